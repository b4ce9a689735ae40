namespace Watchtower.AotApp;

/// <summary>A value logged as an object, to show how JSON writes one under AOT.</summary>
internal sealed record Order(int Id, string Item);
