namespace Watchtower.Shipping;

/// <summary>Why delivery is paused.</summary>
internal enum Pause
{
    /// <summary>Not paused: requests go out as slots allow.</summary>
    None,

    /// <summary>CloudWatch refused the credentials (access denied, unknown or expired keys).</summary>
    AccessDenied,

    /// <summary>The endpoint cannot be reached or is failing (connection errors, timeouts, 5xx, throttling).</summary>
    Outage,
}
