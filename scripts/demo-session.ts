// The short typed session `npm run demo` runs against each provider's Prism mock. Compiled with the package
// (tsconfig.build.json), so the calls below are type-checked against the generated clients.
import { ApiError, RequestValidationError } from "../src/index.js";
import { createChatworkClient } from "../src/chatwork/index.js";
import { mockPrefer } from "../src/testing.js";

type Session = (baseUrl: string, log: (line: string) => void) => Promise<void>;

export const sessions: Record<string, Session> = {
  async chatwork(baseUrl, log) {
    const client = createChatworkClient({ token: "demo-token", baseUrl });
    const me = await client.GET("/me");
    log(`GET /me → ${me.data?.name} (account ${me.data?.account_id})`);
    const rooms = await client.GET("/rooms");
    log(`GET /rooms → ${rooms.data?.length ?? 0} rooms, first: ${rooms.data?.[0]?.name}`);
    const posted = await client.POST("/rooms/{room_id}/messages", { params: { path: { room_id: 322 } }, body: { body: "[To:456] 資料を共有します", self_unread: 0 } });
    log(`POST /rooms/322/messages → message_id ${posted.data?.message_id} (a 64-bit id kept as a string)`);
    try {
      await client.POST("/rooms", { body: { name: "", members_admin_ids: "1,x" } });
    } catch (error) {
      if (error instanceof RequestValidationError) log(`invalid POST /rooms rejected locally, nothing sent: ${error.issues.map((i) => `${i.field} (${i.rule})`).join(", ")}`);
    }
    const missing = await client.GET("/rooms/{room_id}", { params: { path: { room_id: 999 } }, headers: mockPrefer({ code: 404 }) });
    if (missing.error instanceof ApiError) log(`GET /rooms/999 → ${missing.error.name} ${missing.error.status}: ${missing.error.messages.join("; ")}`);
    client.close();
  },
};
