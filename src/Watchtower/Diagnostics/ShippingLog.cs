using System.Globalization;
using System.Runtime.InteropServices;

namespace Watchtower.Diagnostics;

/// <summary>
/// The one catalogue of what the library reports about itself: one method per <see cref="WarningKind"/>, each with its
/// fixed kind, its words, and the meter counts that go with it (a drop is counted where it is told). Warnings go to
/// stderr (rate-limited per kind) and the EventSource through <see cref="WarningSink"/>; counts to
/// <see cref="HandlerMetrics"/>. Nothing else in the library writes a warning.
/// </summary>
internal sealed class ShippingLog
{
    private readonly WarningSink _warnings;
    private readonly string _group;

    public ShippingLog(WarningSink warnings, HandlerMetrics metrics, string logGroupName)
    {
        _warnings = warnings;
        Metrics = metrics;
        _group = logGroupName;
    }

    public HandlerMetrics Metrics { get; }

    // The caller's side.

    public void EmitFailed(Exception e) => Drop(DropReason.DeliveryFailed, 1, WarningKind.EmitFailed, $"An event could not be accepted: {e.GetType().Name}: {e.Message}");

    public void AfterShutdown() => Drop(DropReason.AfterShutdown, 1, WarningKind.AfterShutdown, "Received message after logging system shutdown; it was not sent.");

    public void EmptyMessage() => Drop(DropReason.EmptyMessage, 1, WarningKind.EmptyMessage, "Received empty message. Empty messages cannot be sent to CloudWatch Logs; it was not sent.");

    public void Truncated(int maxMessageSize)
    {
        Metrics.OnTruncated();
        _warnings.Warn(WarningKind.Truncated, $"Log message size exceeds CWL max payload size ({maxMessageSize} bytes with overhead), truncated.");
    }

    /// <summary>The queue was full: the new event was refused, or <paramref name="evicted"/> old ones made room for it.</summary>
    public void QueueFull(int evicted = 0) => Drop(
        DropReason.QueueFull,
        Math.Max(evicted, 1),
        WarningKind.QueueFull,
        evicted > 0
            ? "The queue is full; the oldest events are being dropped. Raise QueueLimit or QueueByteLimit, or check why delivery is slow."
            : "The queue is full; events are being dropped. Raise QueueLimit or QueueByteLimit, or check why delivery is slow.");

    public void NotConfiguredAtStartup(string problem) =>
        _warnings.Warn(WarningKind.NotConfigured, $"{problem} Nothing is shipped to log group '{_group}' by this process; its events are counted as dropped (reason not_configured).");

    public void NotConfigured(string problem) => Drop(DropReason.NotConfigured, 1, WarningKind.NotConfigured, $"Events for log group '{_group}' are not shipped: {problem}");

    public void SendFailed(Exception e) => Drop(DropReason.DeliveryFailed, 1, WarningKind.SendFailed, $"Failed to deliver logs: {e.Message}");

    // The sender's side: credentials and the endpoint.

    public void NoCredentials(CloudWatchLogsException error, TimeSpan nextLook) =>
        _warnings.Warn(WarningKind.NoCredentials, $"{error.ServiceMessage} Nothing is sent to log group '{_group}' until credentials are found: events wait in memory (within QueueLimit and QueueByteLimit, then QueueFullMode applies), and credentials are looked for again in {Seconds(nextLook)} s, then less often.");

    public void StillNoCredentials(long waiting) =>
        _warnings.Warn(WarningKind.NoCredentials, $"Still no AWS credentials: {waiting} events wait for them (log group '{_group}').");

    public void AccessDenied(CloudWatchLogsException error, TimeSpan firstProbe) =>
        _warnings.Warn(WarningKind.AccessDenied, $"CloudWatch Logs refused the credentials ({error.ErrorCode}: {error.ServiceMessage}). " +
            $"Delivery to log group '{_group}' is paused and will be tried again with backoff (first in {Seconds(firstProbe)} s); " +
            "events are kept within QueueLimit and QueueByteLimit, then QueueFullMode applies. Check the credentials and that the IAM policy allows logs:PutLogEvents and logs:CreateLogStream.");

    public void AccessRestored() => _warnings.Warn(WarningKind.AccessRestored, $"CloudWatch Logs accepts the credentials again; delivery to log group '{_group}' resumed.");

    public void Outage(CloudWatchLogsException error, TimeSpan firstProbe, TimeSpan maxBackoff, TimeSpan? timeLimit) =>
        _warnings.Warn(WarningKind.Outage, $"CloudWatch Logs is unreachable or failing ({error.ErrorCode}: {error.ServiceMessage}). Delivery to log group '{_group}' is paused " +
            $"for the endpoint as a whole and probed with one request at a time (first in {Seconds(firstProbe)} s, backing off to {Seconds(maxBackoff)} s); " +
            $"events wait within QueueLimit and QueueByteLimit, and {DropAfter(timeLimit)}.");

    public void OutageOver() => _warnings.Warn(WarningKind.OutageOver, $"CloudWatch Logs answers again; delivery to log group '{_group}' resumed.");

    public void Unreachable(CloudWatchLogsException error, Uri serviceUrl, TimeSpan? timeLimit) =>
        _warnings.Warn(WarningKind.Unreachable, $"Cannot reach CloudWatch Logs at {serviceUrl} ({error.ServiceMessage}); check ServiceUrl and Region, and the network or proxy in between. " +
            $"Delivery to log group '{_group}' is retried with backoff, one request at a time while the endpoint stays unreachable; events wait within QueueLimit and QueueByteLimit, and {DropAfter(timeLimit)}.");

    // The sender's side: batches.

    public void Retrying(string stream, CloudWatchLogsException error, TimeSpan? timeLimit)
    {
        Metrics.OnRetry();
        _warnings.Warn(WarningKind.Retrying, $"Delivery to log stream '{stream}' failed ({error.ErrorCode}: {error.ServiceMessage}); retrying with backoff {RetryBound(timeLimit)}.");
    }

    public void RetryTimeLimit(string stream, int events, int attempts, TimeSpan elapsed, CloudWatchLogsException error) =>
        Drop(DropReason.RetryTimeLimit, events, WarningKind.RetryTimeLimit, $"Failed to deliver logs: {events} events for log stream '{stream}' were dropped after {attempts} attempts over {Seconds(elapsed)} s (RetryTimeLimit); the last error was {error.ErrorCode}: {error.ServiceMessage}");

    public void HeldPastRetryTimeLimit(string stream, int events, TimeSpan elapsed) =>
        Drop(DropReason.RetryTimeLimit, events, WarningKind.RetryTimeLimit, $"Failed to deliver logs: {events} events for log stream '{stream}' were dropped after waiting {Seconds(elapsed)} s for CloudWatch Logs to answer again (RetryTimeLimit).");

    public void InvalidEvent(string stream, CloudWatchLogsException error) =>
        Drop(DropReason.InvalidEvent, 1, WarningKind.InvalidEvent, $"Failed to deliver logs: CloudWatch Logs refused an event for log stream '{stream}': {error.ErrorCode}: {error.ServiceMessage}");

    public void DeliveryFailed(int events, CloudWatchLogsException error) => Drop(DropReason.DeliveryFailed, events, WarningKind.DeliveryFailed, $"Failed to deliver logs: {error.Message}");

    public void CredentialsRefusedWithoutQueue(int events, CloudWatchLogsException error) =>
        Drop(DropReason.DeliveryFailed, events, WarningKind.AccessDenied, $"Failed to deliver logs: CloudWatch Logs refused the credentials: {error.Message}");

    public void UnexpectedFailure(string stream, Exception e)
    {
        Metrics.OnRetry();
        _warnings.Warn(WarningKind.UnexpectedFailure, $"Delivery to log stream '{stream}' failed unexpectedly ({e.GetType().Name}: {e.Message}); trying again.");
    }

    public void UnexpectedFailureDropped(string stream, int events, int failures, Exception e) =>
        Drop(DropReason.DeliveryFailed, events, WarningKind.UnexpectedFailureDropped, $"Failed to deliver logs: {events} events for log stream '{stream}' were dropped after {failures} unexpected failures, the last {e.GetType().Name}: {e.Message}");

    public void OutsideWindow(string stream, int tooOld, int expired, int tooNew)
    {
        Metrics.OnDropped(DropReason.RejectedTooOld, tooOld);
        Metrics.OnDropped(DropReason.RejectedExpired, expired);
        Metrics.OnDropped(DropReason.RejectedTooNew, tooNew);
        _warnings.Warn(WarningKind.OutsideWindow, $"Not sending {tooOld + expired + tooNew} events for log stream '{stream}' that CloudWatch Logs would refuse (older than 14 days: {tooOld}, older than the retention: {expired}, more than 2 hours ahead: {tooNew}). Check the clock and the timestamps given.");
    }

    /// <summary>A batch was stored, less the events the service refused (counted by reason).</summary>
    public void Sent(string stream, int events, long bytes, int expired, int tooOld, int tooNew)
    {
        Metrics.OnDropped(DropReason.RejectedExpired, expired);
        Metrics.OnDropped(DropReason.RejectedTooOld, tooOld);
        Metrics.OnDropped(DropReason.RejectedTooNew, tooNew);
        int rejected = expired + tooOld + tooNew;
        if (rejected > 0)
        {
            _warnings.Warn(WarningKind.Rejected, $"Failed to deliver logs: CloudWatch Logs refused {rejected} of {events} events in a batch for stream '{stream}' (too old: {tooOld}, too new: {tooNew}, older than retention: {expired}).");
        }

        Metrics.OnBatchSent(events - rejected, bytes);
    }

    public void Split() => Metrics.OnRetry();

    /// <summary>A retry that another warning (unreachable endpoint) already tells of.</summary>
    public void Retried() => Metrics.OnRetry();

    public void Recreated() => Metrics.OnRetry();

    public void PossiblyDuplicated(int events) => Metrics.OnPossiblyDuplicated(events);

    // Shutdown, the process's end, the sender itself.

    public void Shutdown(long undelivered, bool noCredentials, TimeSpan timeout)
    {
        if (undelivered > 0)
        {
            Metrics.OnDropped(noCredentials ? DropReason.NoCredentials : DropReason.ShutdownTimeout, undelivered);
            _warnings.Warn(WarningKind.Shutdown, noCredentials
                ? $"{undelivered} events were not delivered to log group '{_group}': no AWS credentials were found."
                : $"Timed out while delivering logs: {undelivered} events were not delivered to log group '{_group}' within the shutdown timeout of {Seconds(timeout)} s.");
        }

        DropReason reportedAbove = noCredentials ? DropReason.NoCredentials : DropReason.ShutdownTimeout;
        long dropped = Metrics.DroppedTotal - undelivered;
        if (dropped > 0)
        {
            _warnings.Warn(WarningKind.ShutdownSummary, $"{dropped} events for log group '{_group}' were dropped during this run: " +
                string.Join(", ", Enum.GetValues<DropReason>().Where(r => Metrics.Dropped(r) > 0 && r != reportedAbove).Select(r => $"{r.TagValue()} {Metrics.Dropped(r)}")) + ".");
        }
    }

    public void SenderStuck() => _warnings.Warn(WarningKind.SenderStuck, "The sender did not stop after its requests were cancelled; it was left behind.");

    public void SenderFailed(Exception e) => _warnings.Warn(WarningKind.SenderFailed, $"The sender stopped after an unexpected error: {e.GetType().Name}: {e.Message}");

    public void Signal(PosixSignal signal, long pending, TimeSpan timeout) =>
        _warnings.Warn(WarningKind.Signal, $"{signal} is ending the process: {pending} events for log group '{_group}' could not be delivered within the shutdown timeout of {Seconds(timeout)} s.");

    public void SignalFailed(PosixSignal signal, Exception e) => _warnings.Warn(WarningKind.SignalFailed, $"Delivering on {signal} failed: {e.GetType().Name}: {e.Message}");

    public void Dying(long pending, TimeSpan timeout) =>
        _warnings.Warn(WarningKind.Dying, $"The process is ending with an unhandled exception: {pending} events for log group '{_group}' could not be delivered within the shutdown timeout of {Seconds(timeout)} s.");

    public void DyingFailed(Exception e) => _warnings.Warn(WarningKind.DyingFailed, $"Delivering before the process ends failed: {e.GetType().Name}: {e.Message}");

    // The on-disk buffer (BufferDirectory).

    public void BufferUnavailable(string directory, Exception e) =>
        _warnings.Warn(WarningKind.BufferUnavailable, $"The buffer directory '{directory}' cannot be used ({e.Message}); events for log group '{_group}' are kept in memory only, as without BufferDirectory. Check that the directory can be created and written by this process.");

    public void BufferWriteFailed(string directory, Exception e) =>
        _warnings.Warn(WarningKind.BufferWriteFailed, $"Writing to the buffer directory '{directory}' failed ({e.Message}); events for log group '{_group}' are kept in memory (within QueueByteLimit, then QueueFullMode applies) and the disk is tried again in a minute. Free space on the disk, or make the directory writable.");

    public void BufferWritable(string directory) =>
        _warnings.Warn(WarningKind.BufferWritable, $"The buffer directory '{directory}' can be written again; events for log group '{_group}' are kept on disk again.");

    public void BufferFull(long unread, long maxBytes, string directory) => Drop(
        DropReason.BufferFull,
        unread,
        WarningKind.BufferFull,
        $"The buffer directory '{directory}' reached BufferMaxBytes ({maxBytes} bytes); its oldest {unread} unsent events for log group '{_group}' were dropped. Raise BufferMaxBytes, or check why delivery is slow.");

    public void BufferDamaged(string path, long from, long to) => Drop(
        DropReason.BufferCorrupt,
        1,
        WarningKind.BufferDamaged,
        $"The buffer file '{path}' is damaged from byte {from} to {to} (a write torn by a crash, or a failing disk); that part was skipped and counted, the rest is delivered.");

    public void BufferUnreadable(string path, Exception e) =>
        _warnings.Warn(WarningKind.BufferDamaged, $"The buffer file '{path}' cannot be read ({e.Message}); it is left in place and tried again at the next start, and the rest of the buffer is delivered.");

    public void BufferOtherGroup(string path, string otherGroup) =>
        _warnings.Warn(WarningKind.BufferOtherGroup, $"The buffer file '{path}' holds events an earlier handler meant for log group '{otherGroup}', not '{_group}'; they are delivered to '{otherGroup}' (created if missing, without this handler's tags and retention).");

    public void BufferNewerFormat(string path) =>
        _warnings.Warn(WarningKind.BufferNewerFormat, $"The buffer file '{path}' was written by a newer version of Watchtower, whose format this one does not read; it is left in place. Run that version on this directory to deliver it.");

    public void BufferKept(long events, string directory) =>
        _warnings.Warn(WarningKind.BufferKept, $"{events} events for log group '{_group}' were not delivered before shutdown; they are kept in the buffer directory '{directory}' and are sent when a handler starts on it again.");

    public void BufferRecovered(long events) => Metrics.OnRecovered(events);

    // The log group's setup.

    public void GroupMissing() => _warnings.Warn(WarningKind.GroupMissing, $"The log group '{_group}' does not exist and CreateLogGroup is false; events for it are dropped. Create the group, or set CreateLogGroup to true.");

    public void StreamMissing(string stream) => _warnings.Warn(WarningKind.StreamMissing, $"The log stream '{stream}' does not exist and CreateLogStream is false; events for it are dropped. Create the stream, or set CreateLogStream to true.");

    public void CreateStreamFailed(string stream, CloudWatchLogsException e) => _warnings.Warn(WarningKind.CreateStreamFailed, $"Failed to create log stream '{stream}' when delivering logs: {e.Message}");

    public void CreateGroupDenied(string errorCode) => _warnings.Warn(WarningKind.CreateGroupDenied, $"Not allowed to create the log group '{_group}' ({errorCode}); continuing on the assumption that it exists. Set CreateLogGroup to false to skip this.");

    public void CreateGroupFailed(CloudWatchLogsException e) => _warnings.Warn(WarningKind.CreateGroupFailed, $"Failed to create the log group '{_group}': {e.Message}");

    public void RetentionFailed(int days, CloudWatchLogsException e) => _warnings.Warn(WarningKind.RetentionFailed, $"Failed to set a retention of {days} days on the log group '{_group}': {e.Message}");

    public void TagFailed(string why) => _warnings.Warn(WarningKind.TagFailed, $"Failed to tag log group '{_group}': {why}");

    /// <summary>How long a batch is retried: RetryTimeLimit, or, with the disk buffer, for as long as the outage lasts.</summary>
    private static string RetryBound(TimeSpan? timeLimit) => timeLimit is null
        ? "until it is delivered (the events wait in the buffer directory, within BufferMaxBytes)"
        : $"for up to {Seconds(timeLimit)} s from the batch's first attempt";

    private static string DropAfter(TimeSpan? timeLimit) => timeLimit is null
        ? "with BufferDirectory set they wait on disk, within BufferMaxBytes, for as long as it takes"
        : $"a batch is dropped once RetryTimeLimit ({Seconds(timeLimit)} s) has passed since its first attempt";

    private static string Seconds(TimeSpan? span) => span?.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) ?? string.Empty;

    private void Drop(DropReason reason, long events, WarningKind kind, string message)
    {
        Metrics.OnDropped(reason, events);
        _warnings.Warn(kind, message);
    }
}
