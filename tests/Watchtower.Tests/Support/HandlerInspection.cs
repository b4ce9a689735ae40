using Watchtower.Shipping;

namespace Watchtower.Tests.Support;

/// <summary>What tests read of a handler's parts, kept out of the handler itself.</summary>
internal static class HandlerInspection
{
    extension(CloudWatchLogHandler handler)
    {
        /// <summary>How many rounds the sender loop has run, for tests that it sleeps when it has nothing it can do.</summary>
        public long SenderRounds => handler.Loop?.Rounds ?? 0;

        /// <summary>How many streams the sender remembers, for tests of idle-stream eviction.</summary>
        public int StreamCount => handler.Loop?.StreamCount ?? 0;

        /// <summary>Events the sender holds (open, sealed, in flight and waiting to retry), for tests of the memory bound.</summary>
        public long HeldEvents => handler.Ledger.HeldEvents;

        /// <summary>Bytes the sender holds, counted as CloudWatch counts them.</summary>
        public long HeldBytes => handler.Ledger.HeldBytes;

        /// <summary>The sender's bound on the events and bytes it holds.</summary>
        public (long Events, long Bytes) SenderLimits => (handler.Ledger.Limits.Events, handler.Ledger.Limits.Bytes);

        /// <summary>The memory the sender holds for its streams and batches (arrays' capacity, objects).</summary>
        public long HeldMemory => handler.Ledger.Memory.Bytes;

        /// <summary>The sender's bound on the memory it holds.</summary>
        public long SenderMemoryLimit => handler.Ledger.Limits.Memory;

        /// <summary>Whether delivery is paused because the credentials were refused.</summary>
        public bool IsPausedForAccess => handler.Loop?.IsPausedFor(Pause.AccessDenied) ?? false;

        /// <summary>Whether delivery is paused because the endpoint cannot be reached or is failing.</summary>
        public bool IsPausedForOutage => handler.Loop?.IsPausedFor(Pause.Outage) ?? false;

        /// <summary>Events accepted and neither delivered nor counted as dropped yet.</summary>
        public long Pending => handler.Ledger.Pending;

        /// <summary>
        /// Completes the next time the sender has taken everything queued (or all its bound allows) and waits (sends may
        /// be in flight); for tests that drive a fake clock.
        /// </summary>
        public Task WhenSenderIdleAsync() => handler.Loop?.WhenIdleAsync() ?? Task.CompletedTask;

        /// <summary>What the runtime does when the process dies of an unhandled exception, short of ending it.</summary>
        public void SimulateUnhandledException(Exception exception) => handler.ProcessEnd.SimulateUnhandledException(exception);
    }
}
