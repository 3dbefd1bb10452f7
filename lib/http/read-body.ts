import { DomainError, badRequest } from "@/lib/domain/errors";

// A request body read as a stream and stopped at the limit: never the whole body in memory before the size
// check (a chunked body carries no Content-Length, so the header alone proves nothing).

export type TooLarge = { field: string; message: string };

export async function readBodyText(request: Request, maxBytes: number, overLimit?: TooLarge): Promise<string> {
  const tooLargeError = () =>
    overLimit
      ? badRequest(overLimit.message, { [overLimit.field]: [overLimit.message] })
      : new DomainError("payload_too_large", 413, `The request body is larger than ${Math.round(maxBytes / 1024)} KB`, { body: ["is too large"] });
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLargeError();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLargeError();
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw badRequest("The request body is not valid UTF-8", { body: ["is not valid UTF-8"] });
  }
}
