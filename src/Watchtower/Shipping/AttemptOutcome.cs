namespace Watchtower.Shipping;

/// <summary>How one PutLogEvents attempt ended, as <see cref="BatchAttempt"/> saw it.</summary>
internal enum AttemptOutcome
{
    /// <summary>CloudWatch stored the batch (perhaps refusing some events for their age).</summary>
    Stored,

    /// <summary>The call failed with an error the client knows (<see cref="AttemptResult.Error"/>).</summary>
    Failed,

    /// <summary>The stream or group is missing and may not be created (or creating it was refused).</summary>
    CannotCreate,

    /// <summary>An exception no client expects (<see cref="AttemptResult.Unexpected"/>): the request may or may not have gone out.</summary>
    Unexpected,

    /// <summary>Shutdown ran out of time during the attempt; disposal counts the events.</summary>
    Abandoned,
}
