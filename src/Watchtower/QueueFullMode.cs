namespace Watchtower;

/// <summary>What happens to a new event when the handler's queue already holds <see cref="CloudWatchLogHandlerOptions.QueueLimit"/> events.</summary>
public enum QueueFullMode
{
    /// <summary>The new event is dropped and counted; the caller never waits. The default.</summary>
    DropNewest = 0,

    /// <summary>The oldest queued event is dropped and counted to make room; the caller never waits.</summary>
    DropOldest,

    /// <summary>The caller waits for room, at most <see cref="CloudWatchLogHandlerOptions.QueueFullWaitTimeout"/>; then the event is dropped and counted.</summary>
    Wait,
}
