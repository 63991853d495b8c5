// Entry for Cloudflare workerd (through Miniflare): the scenario runs inside a fetch handler.
import { scenario } from "./scenario.js";

export default {
  async fetch(_request: Request, env: { BASE_URL: string }): Promise<Response> {
    return Response.json(await scenario(env.BASE_URL));
  },
};
