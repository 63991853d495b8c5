// Chatwork's contact requests keep the paths the API reference and the RAML document, and the spec records the
// conflicting paths Chatwork's MCP server calls; a local node:http server shows what the client sends.
import { afterEach, expect, it } from "vitest";
import { createChatworkClient } from "../../src/chatwork/index.js";
import { operationTable } from "../../generated/chatwork.operations.js";
import { json, startFaultServer, type FaultServer } from "../support/fault-server.js";
import { loadSpec } from "../support/spec-examples.js";

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

it("accept and reject are PUT and DELETE /incoming_requests/{request_id}", async () => {
  expect(operationTable.operations.acceptIncomingRequest).toMatchObject({
    method: "PUT",
    path: "/incoming_requests/{request_id}",
  });
  expect(operationTable.operations.rejectIncomingRequest).toMatchObject({
    method: "DELETE",
    path: "/incoming_requests/{request_id}",
  });
  server = await startFaultServer((req, res) => {
    if (req.method === "PUT") json(res, 200, { account_id: 363, room_id: 1234, name: "田中" });
    else res.writeHead(204).end();
  });
  const chatwork = createChatworkClient({ token: "t", baseUrl: server.url, retry: false, rateLimit: false });
  await chatwork.PUT("/incoming_requests/{request_id}", { params: { path: { request_id: 123 } } });
  await chatwork.DELETE("/incoming_requests/{request_id}", { params: { path: { request_id: 124 } } });
  await chatwork.close();
  expect(server.received.map((r) => `${r.method} ${r.url}`)).toEqual([
    "PUT /incoming_requests/123",
    "DELETE /incoming_requests/124",
  ]);
});

it("the spec records the MCP server's …/accept and …/reject as a conflicting source", () => {
  const item = (loadSpec("chatwork") as { paths: Record<string, Record<string, { description: string }>> }).paths[
    "/incoming_requests/{request_id}"
  ]!;
  expect(item.put!.description).toMatch(/chatwork-mcp-server[\s\S]*PUT \/incoming_requests\/\{request_id\}\/accept/);
  expect(item.delete!.description).toMatch(
    /chatwork-mcp-server[\s\S]*DELETE \/incoming_requests\/\{request_id\}\/reject/,
  );
  expect(Object.keys(operationTable.index)).not.toContain("PUT /incoming_requests/{request_id}/accept");
});
