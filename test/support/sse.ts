import { createParser } from 'eventsource-parser';

export interface SseMessage {
  id: string | undefined;
  data: string;
}

/** One open Server-Sent Events response, read as it arrives; close() drops the connection. */
export interface SseStream {
  status: number;
  headers: Headers;
  /** The error body when the server refused the stream. */
  body?: any;
  messages: SseMessage[];
  comments: string[];
  /** Resolves once `count` messages in total have arrived. */
  received(count: number, timeoutMs?: number): Promise<SseMessage[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  if (res.status !== 200 || !res.body) {
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: text ? JSON.parse(text) : undefined,
      messages,
      comments,
      received: () => Promise.reject(new Error(`stream refused with ${res.status}`)),
      ended: Promise.resolve(),
      close: () => undefined,
    };
  }
  const listeners: Array<() => void> = [];
  const parser = createParser({
    onEvent: (event) => {
      messages.push({ id: event.id, data: event.data });
      for (const listener of listeners) listener();
    },
    onComment: (comment) => comments.push(comment.trim()),
  });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        parser.feed(value);
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    messages,
    comments,
    ended,
    close: () => controller.abort(),
    received: (count, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          resolve(messages.slice());
        };
        const timer = setTimeout(
          () => reject(new Error(`stream got ${messages.length} of ${count} messages`)),
          timeoutMs,
        );
        listeners.push(check);
        check();
      }),
  };
}
