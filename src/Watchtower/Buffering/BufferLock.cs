using System.Diagnostics;
using System.Globalization;

namespace Watchtower.Buffering;

/// <summary>
/// The buffer directory's lock: one live handler per directory, across processes and within one. An exclusive
/// <c>flock</c> on <c>watchtower.lock</c> (how .NET opens a file with <see cref="FileShare.None"/> on Unix; a sharing
/// lock on Windows), released by the operating system when the process dies, however it dies, so that a crash never
/// leaves the directory locked. Who holds it is written beside it, for the message the second handler gets.
/// </summary>
internal sealed class BufferLock : IDisposable
{
    public const string LockFileName = "watchtower.lock";
    public const string OwnerFileName = "watchtower.lock.owner";

    private readonly FileStream _lock;

    private BufferLock(FileStream lockFile)
    {
        _lock = lockFile;
    }

    /// <summary>Takes the directory's lock (the directory exists).</summary>
    /// <exception cref="InvalidOperationException">Another live handler, in this process or another, holds it.</exception>
    /// <exception cref="IOException">The directory cannot be written (the caller falls back to memory).</exception>
    /// <exception cref="UnauthorizedAccessException">The directory cannot be written.</exception>
    public static BufferLock Acquire(string directory)
    {
        string path = Path.Combine(directory, LockFileName);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        }
        catch (IOException e) when (File.Exists(path) && IsSharingViolation(e))
        {
            throw new InvalidOperationException(
                $"The Watchtower buffer directory '{directory}' is in use by {Owner(directory)}. Two live handlers cannot share a " +
                "BufferDirectory (each would send and delete the other's events): give each process, and each handler in one " +
                "process, a BufferDirectory of its own (for instance one named after the service and its instance).",
                e);
        }

        try
        {
            using Process self = Process.GetCurrentProcess();
            File.WriteAllText(
                Path.Combine(directory, OwnerFileName),
                string.Create(CultureInfo.InvariantCulture, $"process {Environment.ProcessId} ({self.ProcessName}) on {Environment.MachineName}, since {DateTimeOffset.UtcNow:O}\n"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only for the message another handler would get; the lock is what counts.
        }

        return new BufferLock(lockFile);
    }

    public void Dispose() => _lock.Dispose();

    private static bool IsSharingViolation(IOException e) =>
        e.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021); // EWOULDBLOCK (Linux, macOS), ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION

    private static string Owner(string directory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(directory, OwnerFileName)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "another handler";
        }
    }
}
