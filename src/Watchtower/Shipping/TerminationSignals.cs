using System.Runtime.InteropServices;

namespace Watchtower.Shipping;

/// <summary>
/// The signals that end a process that does not handle them itself: SIGTERM (docker stop, Kubernetes, systemd),
/// SIGINT (Ctrl-C) and SIGHUP (the terminal closed; on Windows, the console window closed, and SIGTERM is a shutdown).
/// Since .NET 10 the runtime no longer turns them into <see cref="AppDomain.ProcessExit"/>, so an application without a
/// Generic Host would end with its queue undelivered and no word anywhere. The callback runs on the runtime's signal
/// thread and may block (the process waits for it); it never cancels the signal, so the application's own handling,
/// or the default one (the process ends), follows. A Generic Host registers after the logging it builds, so its
/// handler runs first, cancels the signal and stops the application in order: this one is then not called at all.
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    private TerminationSignals()
    {
    }

    /// <summary>Registers <paramref name="onSignal"/> for each signal the platform supports; none where it supports none.</summary>
    public static TerminationSignals Register(Action<PosixSignal> onSignal)
    {
        var signals = new TerminationSignals();
        foreach (PosixSignal signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP })
        {
            try
            {
                signals._registrations.Add(PosixSignalRegistration.Create(signal, context => onSignal(context.Signal)));
            }
            catch (Exception e) when (e is PlatformNotSupportedException or IOException)
            {
                // Not on this platform (a browser, a sandbox): the process-exit hook is all there is.
            }
        }

        return signals;
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }

        _registrations.Clear();
    }
}
