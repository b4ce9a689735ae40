using System.Runtime.InteropServices;
using Watchtower.Diagnostics;

namespace Watchtower.Shipping;

/// <summary>
/// What the handler does when the process ends without the application disposing it: on exit it shuts down (delivers
/// what is queued within ShutdownTimeout); on a termination signal nothing before it cancelled, it delivers what is
/// queued but keeps running (the application may go on); when the process dies of an unhandled exception it delivers
/// what is queued, and every event logged after that before each logging call returns, within ShutdownTimeout from the
/// crash (no ProcessExit follows a crash, and the application's own UnhandledException handlers log why it died).
/// </summary>
internal sealed class ProcessEndHooks : IDisposable
{
    private readonly Action _shutdown;
    private readonly Func<Task> _flush;
    private readonly Func<bool> _isRunning;
    private readonly Func<bool> _enterDying;
    private readonly DeliveryLedger _ledger;
    private readonly ShippingLog _log;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _shutdownTimeout;

    // Null without a background sender: then only the exit is hooked.
    private readonly TerminationSignals? _signals;
    private long _dyingDeadline;

    /// <param name="shutdown">Disposes the handler (on process exit).</param>
    /// <param name="flush">Asks the sender to deliver everything accepted so far.</param>
    /// <param name="isRunning">Whether the handler still takes events normally (not shutting down, not dying).</param>
    /// <param name="enterDying">Moves the handler from running to dying; false if it was not running.</param>
    /// <param name="ledger">For what is still undelivered when time runs out.</param>
    /// <param name="log">Where that is told.</param>
    /// <param name="clock">For the deadline after a crash.</param>
    /// <param name="shutdownTimeout">How long delivery may hold up the end of the process.</param>
    /// <param name="hasSender">
    /// Whether a background sender holds events that the end of the process would lose: only then are signals and
    /// crashes hooked (without a queue, every event is sent before its logging call returns).
    /// </param>
    public ProcessEndHooks(Action shutdown, Func<Task> flush, Func<bool> isRunning, Func<bool> enterDying, DeliveryLedger ledger, ShippingLog log, TimeProvider clock, TimeSpan shutdownTimeout, bool hasSender)
    {
        (_shutdown, _flush, _isRunning, _enterDying, _ledger, _log, _clock, _shutdownTimeout) =
            (shutdown, flush, isRunning, enterDying, ledger, log, clock, shutdownTimeout);
        if (hasSender)
        {
            _signals = TerminationSignals.Register(OnTerminationSignal);
            AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
        }

        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>
    /// An event was just taken while the process dies (from an UnhandledException handler, often): deliver it, and all
    /// before it, before its logging call returns, within what is left of ShutdownTimeout from the crash.
    /// </summary>
    public void DeliverBeforeDying()
    {
        try
        {
            TimeSpan left = _clock.GetElapsedTime(_clock.GetTimestamp(), Interlocked.Read(ref _dyingDeadline));
            if ((left <= TimeSpan.Zero || !_flush().Wait(left)) && _ledger.Pending is > 0 and long pending)
            {
                _log.Dying(pending, _shutdownTimeout);
            }
        }
        catch (Exception failure)
        {
            // Whatever happens here, the process must go on dying of its own exception, not of ours.
            _log.DyingFailed(failure);
        }
    }

    /// <summary>For tests: what the runtime does when the process dies of an unhandled exception, short of ending it.</summary>
    internal void SimulateUnhandledException(Exception exception) => OnUnhandledException(this, new UnhandledExceptionEventArgs(exception, isTerminating: true));

    /// <summary>Unhooks everything; called once, when the handler shuts down.</summary>
    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        if (_signals is not null)
        {
            AppDomain.CurrentDomain.UnhandledException -= OnUnhandledException;
            _signals.Dispose();
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => _shutdown();

    private void OnUnhandledException(object? sender, UnhandledExceptionEventArgs e)
    {
        if (!e.IsTerminating || !_enterDying())
        {
            return;
        }

        Interlocked.Exchange(ref _dyingDeadline, _clock.GetTimestamp() + (long)(_shutdownTimeout.TotalSeconds * _clock.TimestampFrequency));
        DeliverBeforeDying();
    }

    /// <summary>
    /// A termination signal that nothing before us cancelled: the process is about to end (on .NET 10 without raising
    /// ProcessExit), unless a handler registered before this one keeps it alive. Deliver what is queued now, within
    /// ShutdownTimeout, but do not shut down: if the application goes on (it handles Ctrl-C itself), so does logging.
    /// </summary>
    private void OnTerminationSignal(PosixSignal signal)
    {
        if (!_isRunning())
        {
            return;
        }

        try
        {
            if (!_flush().Wait(_shutdownTimeout) && _ledger.Pending is > 0 and long pending)
            {
                _log.Signal(signal, pending, _shutdownTimeout);
            }
        }
        catch (Exception e)
        {
            // On the runtime's signal thread: nothing may escape, and the process must still end.
            _log.SignalFailed(signal, e);
        }
    }
}
