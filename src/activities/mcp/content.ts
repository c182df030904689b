import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

type ContentItem = CallToolResult['content'][number];

/**
 * A tool result's content as one text: text items as they are, joined by
 * newlines; any other item (image, audio, resource) as a short JSON line that
 * says what it was, never its bytes, so a model reading the text knows it is there.
 */
export function contentText(content: CallToolResult['content']): string {
  return content.map((item) => (item.type === 'text' ? item.text : JSON.stringify(describe(item)))).join('\n');
}

function describe(item: ContentItem): Record<string, unknown> {
  switch (item.type) {
    case 'image':
    case 'audio':
      return { type: item.type, mimeType: item.mimeType, bytes: Buffer.byteLength(item.data, 'base64') };
    case 'resource_link':
      return { type: item.type, uri: item.uri, name: item.name, ...(item.mimeType ? { mimeType: item.mimeType } : {}) };
    case 'resource':
      return { type: item.type, uri: item.resource.uri, ...(item.resource.mimeType ? { mimeType: item.resource.mimeType } : {}) };
    default:
      return { type: (item as { type: string }).type };
  }
}
