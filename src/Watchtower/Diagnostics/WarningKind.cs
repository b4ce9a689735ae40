namespace Watchtower.Diagnostics;

/// <summary>
/// Every cause the library warns about: one kind per cause, rate-limited on stderr by kind, and one EventSource event
/// each, whose id is the kind's value. Ids are stable and never reused (1 was the generic warning of the first
/// previews, retired). <see cref="ShippingLog"/> is the one place each is written.
/// </summary>
internal enum WarningKind
{
    EmitFailed = 2,
    AfterShutdown = 3,
    EmptyMessage = 4,
    Truncated = 5,
    QueueFull = 6,
    NotConfigured = 7,
    NoCredentials = 8,
    AccessDenied = 9,
    AccessRestored = 10,
    Outage = 11,
    OutageOver = 12,
    Unreachable = 13,
    Retrying = 14,
    RetryTimeLimit = 15,
    InvalidEvent = 16,
    DeliveryFailed = 17,
    UnexpectedFailure = 18,
    UnexpectedFailureDropped = 19,
    OutsideWindow = 20,
    Rejected = 21,
    Shutdown = 22,
    ShutdownSummary = 23,
    SenderStuck = 24,
    SenderFailed = 25,
    Signal = 26,
    SignalFailed = 27,
    Dying = 28,
    DyingFailed = 29,
    GroupMissing = 30,
    StreamMissing = 31,
    CreateStreamFailed = 32,
    CreateGroupDenied = 33,
    CreateGroupFailed = 34,
    RetentionFailed = 35,
    TagFailed = 36,
    SendFailed = 37,
    BufferUnavailable = 38,
    BufferWriteFailed = 39,
    BufferWritable = 40,
    BufferFull = 41,
    BufferDamaged = 42,
    BufferOtherGroup = 43,
    BufferNewerFormat = 44,
    BufferKept = 45,
}
