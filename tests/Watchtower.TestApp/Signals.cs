using System.Runtime.InteropServices;

namespace Watchtower.TestApp;

internal static partial class Signals
{
    private const int SigInt = 2;

    /// <summary>Sets SIGINT back to its default action (the process ends), whatever the parent left it as.</summary>
    public static void RestoreDefaultInterrupt()
    {
        if (!OperatingSystem.IsWindows())
        {
            _ = Signal(SigInt, IntPtr.Zero); // SIG_DFL
        }
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial IntPtr Signal(int signal, IntPtr handler);
}
