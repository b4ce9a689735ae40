namespace Watchtower.Scenarios;

/// <summary>How the endpoint fails in a scenario.</summary>
public enum Stall
{
    /// <summary>Every request hangs until it times out: a live endpoint that answers slowly, or not at all.</summary>
    Hang,

    /// <summary>Every connection is refused: a dead endpoint.</summary>
    Refused,

    /// <summary>Every request is refused for its credentials: expired or revoked keys.</summary>
    Denied,
}
