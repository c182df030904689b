/** A plugin could not be loaded; the message names the plugin and the reason. Stops start-up. */
export class PluginLoadError extends Error {
  override readonly name = 'PluginLoadError';
}
