import { createGithubPlugin } from './plugin.js';

/** `WEFT_GITHUB_API_URL`: the REST API root (default https://api.github.com). */
export default createGithubPlugin({ apiUrl: process.env.WEFT_GITHUB_API_URL || undefined });
