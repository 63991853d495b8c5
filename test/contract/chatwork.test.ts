// Every Chatwork operation through the typed client against a real Prism process serving specs/chatwork.yaml:
// the success example (validated strictly against the spec by our own response validators) and an error path
// chosen with Prism's Prefer header, mapped to its error class.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiError,
  AuthenticationError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
} from "../../src/index.js";
import { createChatworkClient, type ChatworkClient } from "../../src/chatwork/index.js";
import { mockPrefer, startMockServer, type MockServer } from "../../src/testing.js";
import { operationTable, type OperationId } from "../../generated/chatwork.operations.js";
import { contractTransport } from "../support/contract-transport.js";

/** Node transport, or an injected fetch when imported by the .fetch.test.ts twin. */
const transport = contractTransport();

let mock: MockServer;
let client: ChatworkClient;

beforeAll(async () => {
  mock = await startMockServer("chatwork");
  client = createChatworkClient({
    token: "contract-test-token",
    baseUrl: mock.url,
    validate: { response: "strict" },
    retry: false,
    rateLimit: false,
    ...transport,
  });
});
afterAll(async () => {
  await client?.close();
  await mock?.close();
});

type Call = (headers?: Record<string, string>) => Promise<{ data?: unknown; error?: ApiError; response: Response }>;
const room = { path: { room_id: 322 } };
const msg = { path: { room_id: 322, message_id: "1928374655918273645" } };

// Typed as Record<OperationId, …>: adding an operation to the spec without a case here fails type-checking.
const cases: Record<OperationId, Call> = {
  getMe: (headers) => client.GET("/me", { headers }),
  getMyStatus: (headers) => client.GET("/my/status", { headers }),
  getMyTasks: (headers) =>
    client.GET("/my/tasks", { params: { query: { assigned_by_account_id: 78, status: "open" } }, headers }),
  getContacts: (headers) => client.GET("/contacts", { headers }),
  getRooms: (headers) => client.GET("/rooms", { headers }),
  createRoom: (headers) =>
    client.POST("/rooms", {
      body: {
        name: "新製品プロジェクト",
        description: "新製品の企画用グループ",
        link: 1,
        link_code: "new-product_2026",
        link_need_acceptance: 1,
        members_admin_ids: "123,542,1001",
        members_member_ids: "21,344",
        members_readonly_ids: "15,103",
        icon_preset: "meeting",
      },
      headers,
    }),
  getRoom: (headers) => client.GET("/rooms/{room_id}", { params: room, headers }),
  updateRoom: (headers) =>
    client.PUT("/rooms/{room_id}", {
      params: room,
      body: { name: "新製品プロジェクト（2026）", icon_preset: "project" },
      headers,
    }),
  deleteRoom: (headers) => client.DELETE("/rooms/{room_id}", { params: room, body: { action_type: "leave" }, headers }),
  getRoomMembers: (headers) => client.GET("/rooms/{room_id}/members", { params: room, headers }),
  updateRoomMembers: (headers) =>
    client.PUT("/rooms/{room_id}/members", {
      params: room,
      body: { members_admin_ids: "123,542", members_member_ids: "21", members_readonly_ids: "15" },
      headers,
    }),
  getMessages: (headers) =>
    client.GET("/rooms/{room_id}/messages", { params: { ...room, query: { force: 1 } }, headers }),
  postMessage: (headers) =>
    client.POST("/rooms/{room_id}/messages", {
      params: room,
      body: { body: "[To:456] 明日の会議資料です", self_unread: 0 },
      headers,
    }),
  markMessagesRead: (headers) =>
    client.PUT("/rooms/{room_id}/messages/read", {
      params: room,
      body: { message_id: "1928374655918273645" },
      headers,
    }),
  markMessagesUnread: (headers) =>
    client.PUT("/rooms/{room_id}/messages/unread", {
      params: room,
      body: { message_id: "1928374655918273645" },
      headers,
    }),
  getMessage: (headers) => client.GET("/rooms/{room_id}/messages/{message_id}", { params: msg, headers }),
  updateMessage: (headers) =>
    client.PUT("/rooms/{room_id}/messages/{message_id}", {
      params: msg,
      body: { body: "訂正：会議は15時からです" },
      headers,
    }),
  deleteMessage: (headers) => client.DELETE("/rooms/{room_id}/messages/{message_id}", { params: msg, headers }),
  getRoomTasks: (headers) =>
    client.GET("/rooms/{room_id}/tasks", {
      params: { ...room, query: { account_id: 101, assigned_by_account_id: 78, status: "done" } },
      headers,
    }),
  createTask: (headers) =>
    client.POST("/rooms/{room_id}/tasks", {
      params: room,
      body: { body: "見積書を送付する", to_ids: "1,3,6", limit: 1893423600, limit_type: "date" },
      headers,
    }),
  getTask: (headers) =>
    client.GET("/rooms/{room_id}/tasks/{task_id}", { params: { path: { room_id: 322, task_id: 3 } }, headers }),
  updateTaskStatus: (headers) =>
    client.PUT("/rooms/{room_id}/tasks/{task_id}/status", {
      params: { path: { room_id: 322, task_id: 3 } },
      body: { body: "done" },
      headers,
    }),
  getFiles: (headers) =>
    client.GET("/rooms/{room_id}/files", { params: { ...room, query: { account_id: 101 } }, headers }),
  uploadFile: (headers) =>
    client.POST("/rooms/{room_id}/files", {
      params: room,
      body: {
        file: new File(["%PDF-1.7 見積"], "見積書.pdf", { type: "application/pdf" }),
        message: "見積書をお送りします",
      } as never,
      headers,
    }),
  getFile: (headers) =>
    client.GET("/rooms/{room_id}/files/{file_id}", {
      params: { path: { room_id: 322, file_id: 3 }, query: { create_download_url: 1 } },
      headers,
    }),
  getRoomLink: (headers) => client.GET("/rooms/{room_id}/link", { params: room, headers }),
  createRoomLink: (headers) =>
    client.POST("/rooms/{room_id}/link", {
      params: room,
      body: { code: "unique-link-name", need_acceptance: 1, description: "新製品プロジェクトの招待リンクです" },
      headers,
    }),
  updateRoomLink: (headers) =>
    client.PUT("/rooms/{room_id}/link", {
      params: room,
      body: { code: "another_link_name", need_acceptance: 0, description: "どなたでも参加できます" },
      headers,
    }),
  deleteRoomLink: (headers) => client.DELETE("/rooms/{room_id}/link", { params: room, headers }),
  getIncomingRequests: (headers) => client.GET("/incoming_requests", { headers }),
  acceptIncomingRequest: (headers) =>
    client.PUT("/incoming_requests/{request_id}", { params: { path: { request_id: 123 } }, headers }),
  rejectIncomingRequest: (headers) =>
    client.DELETE("/incoming_requests/{request_id}", { params: { path: { request_id: 123 } }, headers }),
};

const ids = Object.keys(operationTable.operations) as OperationId[];

it("covers all 32 operations of the spec", () => {
  expect(ids).toHaveLength(32);
  expect(Object.keys(cases).sort()).toEqual([...ids].sort());
});

describe.each(ids)("%s", (id) => {
  const op = operationTable.operations[id];
  const successStatus = op.responses.find((s) => s.startsWith("2"))!;

  it(`succeeds with the spec's ${successStatus} example`, async () => {
    const { data, error, response } = await cases[id]();
    expect(error).toBeUndefined();
    expect(response.status).toBe(Number(successStatus));
    if (response.status !== 204) expect(data).toBeDefined();
  });

  const errorClasses = {
    "401": AuthenticationError,
    "403": PermissionError,
    "404": NotFoundError,
    "429": RateLimitError,
    "500": ServerError,
  } as const;
  for (const status of (op.responses as readonly string[]).filter(
    (s): s is keyof typeof errorClasses => s in errorClasses,
  )) {
    it(`maps the spec's ${status} example to ${errorClasses[status].name}`, async () => {
      const { data, error } = await cases[id](mockPrefer({ code: Number(status) }));
      expect(data).toBeUndefined();
      expect(error).toBeInstanceOf(errorClasses[status]);
      expect(error!.status).toBe(Number(status));
      expect(error!.messages.length).toBeGreaterThan(0);
    });
  }
});

it("the spec's constraints are the mock's too: with local validation off, Prism answers the spec's 400", async () => {
  const unchecked = createChatworkClient({
    token: "contract-test-token",
    baseUrl: mock.url,
    validate: { request: false },
    retry: false,
    rateLimit: false,
    ...transport,
  });
  const { error } = await unchecked.POST("/rooms/{room_id}/messages", {
    params: { path: { room_id: 322 } },
    body: { body: "", self_unread: 2 as 0 },
  });
  expect(error).toBeInstanceOf(ApiError);
  expect(error!.status).toBe(400);
  expect(error!.messages.length).toBeGreaterThan(0);
  await unchecked.close();
});
