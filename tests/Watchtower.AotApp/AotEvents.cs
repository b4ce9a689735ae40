namespace Watchtower.AotApp;

/// <summary>The category of the app's events.</summary>
internal sealed class AotEvents;
