// Bot attachments against local node:http servers on different ports (different origins): the two-step upload
// (upload URL, then multipart `Filedata` to the storage host with the Bearer token) and the download, whose 302 to
// the storage host must not carry the access token there.
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/index.js";
import { createLineWorksClient, downloadBotAttachmentFile, uploadBotAttachment } from "../../src/lineworks/index.js";
import { faultServers, json } from "../support/fault-server.js";

const TOKEN = "bot-attachment-token-5f1c";
const FILE_ID = "jp1.1628695315008671000.1628781715.0.1000001.0.0.0";
const serve = faultServers();

/** A client on the spec's servers whose fetch maps the real API host to a local server. */
function clientFor(apiUrl: string) {
  const toLocal: typeof fetch = (input, init) => {
    const request = new Request(input, init);
    return fetch(new Request(request.url.replace("https://www.worksapis.com/v1.0", apiUrl), request));
  };
  return createLineWorksClient({ auth: { accessToken: TOKEN }, fetch: toLocal, retry: false });
}

describe("uploadBotAttachment", () => {
  it("asks for the upload URL with name and size, posts multipart Filedata to the storage host and returns the fileId", async () => {
    const storage = await serve((_req, res) => json(res, 200, { fileId: FILE_ID, fileName: "見積書.pdf" }));
    const api = await serve((_req, res) =>
      json(res, 200, {
        fileId: FILE_ID,
        uploadUrl: `${storage.url}/k/emsg/r/jp1/1628695775389602000.1628782175.1.1000001.0.0.0/${encodeURIComponent("見積書.pdf")}`,
      }),
    );
    const client = clientFor(api.url);
    const pdf = new File([new TextEncoder().encode("%PDF-1.7 見積")], "見積書.pdf", { type: "application/pdf" });
    const { fileId, uploadUrl } = await uploadBotAttachment(client, { botId: 2000001, file: pdf });

    expect(fileId).toBe(FILE_ID);
    expect(uploadUrl.startsWith(storage.url)).toBe(true);
    expect(api.received).toHaveLength(1);
    expect(api.received[0]!.url).toBe("/bots/2000001/attachments");
    expect(JSON.parse(api.received[0]!.body)).toEqual({ fileName: "見積書.pdf", fileSize: pdf.size });
    expect(storage.received).toHaveLength(1);
    const upload = storage.received[0]!;
    expect(upload.method).toBe("POST");
    expect(upload.url).toBe(
      `/k/emsg/r/jp1/1628695775389602000.1628782175.1.1000001.0.0.0/${encodeURIComponent("見積書.pdf")}`,
    );
    expect(upload.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.body).toContain('name="Filedata"; filename="見積書.pdf"');
    expect(upload.body).toContain("%PDF-1.7 見積");
    expect(upload.headers.authorization).toBe(`Bearer ${TOKEN}`);
    await client.close();
  });

  it("a Blob needs a fileName; an upload URL of another shape is refused before the upload", async () => {
    const api = await serve((_req, res) =>
      json(res, 200, { fileId: FILE_ID, uploadUrl: "https://apis-storage.worksmobile.com/b/other/shape?x=1" }),
    );
    const client = clientFor(api.url);
    await expect(uploadBotAttachment(client, { botId: 2000001, file: new Blob(["x"]) })).rejects.toThrow(
      /needs fileName/,
    );
    expect(api.received).toHaveLength(0);
    await expect(
      uploadBotAttachment(client, { botId: 2000001, file: new Blob(["x"]), fileName: "a.png" }),
    ).rejects.toThrow(/documented \/k\/emsg\/r\/… shape/);
    expect(api.received).toHaveLength(1);
    await client.close();
  });

  it("an API error of step 1 is thrown as its class and nothing is uploaded", async () => {
    const api = await serve((_req, res) => json(res, 404, { code: "NOT_FOUND", description: "Bot not found." }));
    const client = clientFor(api.url);
    await expect(uploadBotAttachment(client, { botId: 9, file: new File(["x"], "a.png") })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(api.received).toHaveLength(1);
    await client.close();
  });
});

describe("downloadBotAttachmentFile", () => {
  it.each(["an injected fetch", "Node's fetch with a baseUrl"])(
    "follows the 302 to the storage host (another origin) without sending the access token there (%s)",
    async (transport) => {
      const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]);
      const storage = await serve((_req, res) => {
        res.writeHead(200, { "content-type": "application/pdf" });
        res.end(bytes);
      });
      const api = await serve((_req, res) => {
        res.writeHead(302, { location: `${storage.url}/k/emsg/r/jp1/download/${FILE_ID}/report.pdf` });
        res.end();
      });
      const client =
        transport === "an injected fetch"
          ? clientFor(api.url)
          : createLineWorksClient({ auth: { accessToken: TOKEN }, baseUrl: api.url, retry: false });
      const { file, contentType, url } = await downloadBotAttachmentFile(client, { botId: 2000001, fileId: FILE_ID });

      expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
      expect(contentType).toBe("application/pdf");
      expect(url).toBe(`${storage.url}/k/emsg/r/jp1/download/${FILE_ID}/report.pdf`);
      expect(api.received).toHaveLength(1);
      expect(api.received[0]!.url).toBe(`/bots/2000001/attachments/${FILE_ID}`);
      expect(api.received[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(storage.received).toHaveLength(1);
      expect(storage.received[0]!.headers.authorization).toBeUndefined();
      expect(JSON.stringify(storage.received[0]!.headers)).not.toContain(TOKEN);
      await client.close();
    },
  );

  it("an unknown file is a NotFoundError", async () => {
    const api = await serve((_req, res) => json(res, 404, { code: "NOT_FOUND", description: "File not found." }));
    const client = clientFor(api.url);
    await expect(downloadBotAttachmentFile(client, { botId: 2000001, fileId: "missing" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await client.close();
  });
});
