// What the generated Bot API types refuse at compile time (checked by `npm run typecheck`; the calls never run).
import { describe, expectTypeOf, it } from "vitest";
import type { LineWorksClient, LineWorksComponents } from "../../src/lineworks/index.js";

type Content = LineWorksComponents["schemas"]["MessageContent"];

describe("Bot API types", () => {
  it("message content is a union told apart by `type`", () => {
    expectTypeOf<Content["type"]>().toEqualTypeOf<
      | "text"
      | "sticker"
      | "image"
      | "file"
      | "link"
      | "audio"
      | "video"
      | "location"
      | "button_template"
      | "list_template"
      | "carousel"
      | "image_carousel"
      | "flex"
    >();
    expectTypeOf<Extract<Content, { type: "text" }>["text"]>().toEqualTypeOf<string>();
  });

  it("refuses bodies the spec refuses", () => {
    const typed = (client: LineWorksClient) => {
      const path = { botId: 2000001, userId: "userf7da-f82c-4284-13e7-030f3b4c756x" };
      void client.POST("/bots/{botId}/users/{userId}/messages", {
        params: { path },
        // @ts-expect-error an unknown content type
        body: { content: { type: "stamp", text: "a" } },
      });
      void client.POST("/bots/{botId}/users/{userId}/messages", {
        params: { path },
        // @ts-expect-error a text message needs its text
        body: { content: { type: "text" } },
      });
      void client.POST("/bots/{botId}/channels", {
        params: { path: { botId: 2000001 } },
        // @ts-expect-error members is required
        body: { title: "営業部" },
      });
      void client.GET("/bots/{botId}/channels/{channelId}", {
        // @ts-expect-error botId is an integer
        params: { path: { botId: "2000001", channelId: "c-1" } },
      });
      void client.POST("/bots/{botId}/persistentmenu", {
        params: { path: { botId: 2000001 } },
        // @ts-expect-error persistent menus take message, uri or copy actions
        body: { content: { actions: [{ type: "camera", label: "撮影" }] } },
      });
    };
    expectTypeOf(typed).toBeFunction();
  });
});
