namespace Watchtower.Shipping;

/// <summary>What to do with a batch after an attempt.</summary>
internal enum DecisionKind
{
    /// <summary>Stored: finished (the events the service refused are counted by reason).</summary>
    Delivered,

    /// <summary>Send the same batch again after <see cref="Decision.Delay"/>.</summary>
    Retry,

    /// <summary>The service refused the batch as invalid: send its halves, to find the offending events.</summary>
    Split,

    /// <summary>The credentials are missing or refused: keep the batch, and pause delivery.</summary>
    PauseForCredentials,

    /// <summary>Give the batch up, counted as <see cref="Decision.Reason"/>.</summary>
    Drop,

    /// <summary>Shutdown ran out of time during the attempt: nothing to do, disposal counts the events.</summary>
    Abandon,
}
