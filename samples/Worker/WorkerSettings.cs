namespace Watchtower.Samples;

/// <summary>What the sample's worker does: how many orders, where it says so, and whether it stops by itself.</summary>
public sealed record WorkerSettings(int Orders, TextWriter Output, bool StopWhenDone);
