import { createSlackPlugin } from './plugin.js';

/** `WEFT_SLACK_WEBHOOK_URL`: when set, every run's end is posted there. */
export default createSlackPlugin({ notifyUrl: process.env.WEFT_SLACK_WEBHOOK_URL || undefined });
