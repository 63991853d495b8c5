// Chatwork's account-id lists (members_*_ids, to_ids) take the API's comma-separated string or an array of ids; a
// local node:http server shows what goes on the wire (one comma-separated form field either way), and a string with
// spaces is refused before sending with a message that says what is wrong.
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import { RequestValidationError } from "../../src/index.js";
import { createChatworkClient, type ChatworkClient } from "../../src/chatwork/index.js";
import type { components } from "../../generated/chatwork.js";
import { json, startFaultServer, type FaultServer } from "../support/fault-server.js";

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function client(): Promise<ChatworkClient> {
  server = await startFaultServer((req, res) =>
    req.url.endsWith("/tasks")
      ? json(res, 200, { task_ids: [1] })
      : req.url.endsWith("/members")
        ? json(res, 200, { admin: [1], member: [], readonly: [] })
        : json(res, 200, { room_id: 1 }),
  );
  return createChatworkClient({ token: "t", baseUrl: server.url, retry: false, rateLimit: false });
}

/** The form fields of the one request the server received. */
function sentForm(): URLSearchParams {
  expect(server!.received).toHaveLength(1);
  expect(server!.received[0]!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  return new URLSearchParams(server!.received[0]!.body);
}

describe("account-id lists", () => {
  it("createRoom sends arrays of ids as one comma-separated field each", async () => {
    const chatwork = await client();
    const { error } = await chatwork.POST("/rooms", {
      body: {
        name: "企画",
        members_admin_ids: [123, 542, 1001],
        members_member_ids: [21],
        members_readonly_ids: [15, 103],
      },
    });
    expect(error).toBeUndefined();
    const form = sentForm();
    expect(form.getAll("members_admin_ids")).toEqual(["123,542,1001"]);
    expect(form.getAll("members_member_ids")).toEqual(["21"]);
    expect(form.getAll("members_readonly_ids")).toEqual(["15,103"]);
    await chatwork.close();
  });

  it("the comma-separated string is sent as given", async () => {
    const chatwork = await client();
    await chatwork.PUT("/rooms/{room_id}/members", {
      params: { path: { room_id: 322 } },
      body: { members_admin_ids: "123,542", members_member_ids: [7, 8] },
    });
    const form = sentForm();
    expect(form.getAll("members_admin_ids")).toEqual(["123,542"]);
    expect(form.getAll("members_member_ids")).toEqual(["7,8"]);
    await chatwork.close();
  });

  it("createTask sends to_ids from an array", async () => {
    const chatwork = await client();
    await chatwork.POST("/rooms/{room_id}/tasks", {
      params: { path: { room_id: 322 } },
      body: { body: "見積書を送付する", to_ids: [123, 456] },
    });
    expect(sentForm().getAll("to_ids")).toEqual(["123,456"]);
    await chatwork.close();
  });

  it('refuses "1, 2" (a space after the comma) before sending, saying what is wrong', async () => {
    const chatwork = await client();
    const call = chatwork.POST("/rooms/{room_id}/tasks", {
      params: { path: { room_id: 322 } },
      body: { body: "x", to_ids: "1, 2" },
    });
    await expect(call).rejects.toBeInstanceOf(RequestValidationError);
    const error = (await call.catch((e: unknown) => e)) as RequestValidationError;
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ field: "body.to_ids", pointer: "/to_ids", rule: "pattern" });
    expect(error.issues[0]!.message).toMatch(/separated by commas without spaces/);
    expect(error.message).toMatch(/to_ids.*separated by commas without spaces/);
    expect(server!.received).toHaveLength(0);
    await chatwork.close();
  });

  it.each([[[]], [[1.5]], [[0]], ["1,,2"], [""]])("refuses %j", async (value) => {
    const chatwork = await client();
    await expect(chatwork.POST("/rooms", { body: { name: "x", members_admin_ids: value } })).rejects.toThrow(
      /members_admin_ids.*separated by commas without spaces/,
    );
    expect(server!.received).toHaveLength(0);
    await chatwork.close();
  });

  it("types accept both forms and nothing else", () => {
    type Ids = components["schemas"]["AccountIdList"];
    expectTypeOf<"1,2">().toMatchTypeOf<Ids>();
    expectTypeOf<number[]>().toMatchTypeOf<Ids>();
    expectTypeOf<string[]>().not.toMatchTypeOf<Ids>();
    const typed = (chatwork: ChatworkClient) =>
      chatwork.POST("/rooms/{room_id}/tasks", {
        params: { path: { room_id: 1 } },
        // @ts-expect-error an array of strings is not an account-id list
        body: { body: "x", to_ids: ["1", "2"] },
      });
    expect(typeof typed).toBe("function");
  });
});
