/**
 * A worker that answers what the edge reader (src/server/edge/model-bytes.ts) makes of the bytes POSTed to it, so
 * test/contract/workerd.test.ts runs the model-bytes cases inside workerd. Bundled by that test, never shipped.
 */
import { modelFromBytes } from '../../src/server/edge/model-bytes.js';

export default {
  async fetch(request: Request): Promise<Response> {
    try {
      const { model } = await modelFromBytes(new Uint8Array(await request.arrayBuffer()));
      return Response.json({ supportVectorCount: model.supportVectorCount });
    } catch (error) {
      const { code, message } = error as { code?: unknown; message?: unknown };
      return Response.json({ code: String(code), message: String(message) });
    }
  },
};
