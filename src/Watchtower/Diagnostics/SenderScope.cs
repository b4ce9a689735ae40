namespace Watchtower.Diagnostics;

/// <summary>
/// Marks the code that runs on behalf of the sender (its loop, its HTTP calls, everything they call). A logging
/// adapter drops events raised inside it, so that the library never logs into itself: HttpClient's or the AWS
/// SDK's own log events about our requests would otherwise become requests of their own.
/// </summary>
internal static class SenderScope
{
    private static readonly AsyncLocal<bool> s_active = new();

    /// <summary>True on the sender's own execution paths.</summary>
    public static bool IsActive => s_active.Value;

    /// <summary>Marks the current execution context, and every continuation that flows from it, as the sender's.</summary>
    public static void Enter() => s_active.Value = true;
}
