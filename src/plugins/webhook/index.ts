import { z } from 'zod';
import { createWebhookPlugin } from './plugin.js';

/** `WEFT_WEBHOOK_URLS` (comma-separated) and `WEFT_WEBHOOK_SECRET`, both required once the plugin is loaded. */
const settings = z
  .object({
    WEFT_WEBHOOK_URLS: z
      .string({ error: 'WEFT_WEBHOOK_URLS is not set' })
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.url('WEFT_WEBHOOK_URLS must list URLs')).min(1, 'WEFT_WEBHOOK_URLS lists no URL')),
    WEFT_WEBHOOK_SECRET: z.string({ error: 'WEFT_WEBHOOK_SECRET is not set' }).min(16, 'WEFT_WEBHOOK_SECRET must be at least 16 characters'),
  })
  .safeParse(process.env);
if (!settings.success) throw new Error(settings.error.issues.map((i) => i.message).join('; '));

export default createWebhookPlugin({ urls: settings.data.WEFT_WEBHOOK_URLS, secret: settings.data.WEFT_WEBHOOK_SECRET });
