using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Watchtower.Tests.Support;

/// <summary>
/// The test app (tests/Watchtower.TestApp) in a real process of its own, logging to moto: for what only a real process
/// shows (a signal, an unhandled exception, an exit without disposal). It says "ready" once its events are logged.
/// </summary>
internal sealed class TestAppProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<string>? _onLine;

    private TestAppProcess(Process process, Action<string>? onLine)
    {
        _process = process;
        _onLine = onLine;
    }

    public int Id => _process.Id;

    /// <summary>What it wrote on stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="mode">What the app does after logging (see its Program.cs).</param>
    /// <param name="endpoint">Where it ships.</param>
    /// <param name="group">Its log group.</param>
    /// <param name="events">How many numbered events it logs.</param>
    /// <param name="environment">Variables to set, or to remove (null).</param>
    /// <param name="onLine">Told each line of its output as it arrives (on the reading thread), for tests that time them.</param>
    public static TestAppProcess Start(string mode, Uri endpoint, string group, int events, IReadOnlyDictionary<string, string?>? environment = null, Action<string>? onLine = null)
    {
        var variables = new Dictionary<string, string?>
        {
            ["WT_ENDPOINT"] = endpoint.ToString(),
            ["WT_GROUP"] = group,
            ["WT_EVENTS"] = events.ToString(CultureInfo.InvariantCulture),
        };
        foreach ((string name, string? value) in environment ?? new Dictionary<string, string?>())
        {
            variables[name] = value;
        }

        return StartDll(Path.Combine(AppContext.BaseDirectory, "Watchtower.TestApp.dll"), [mode], variables, onLine);
    }

    /// <summary>Any app (a sample) in a process of its own, with test credentials; it says "ready" when it is.</summary>
    /// <param name="dll">The app's assembly.</param>
    /// <param name="arguments">Its command line.</param>
    /// <param name="environment">Variables to set, or to remove (null).</param>
    /// <param name="onLine">Told each line of its output as it arrives.</param>
    public static TestAppProcess StartDll(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, Action<string>? onLine = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_ACCESS_KEY_ID"] = "testing-access-key";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "testing-secret-key";
        start.Environment["AWS_REGION"] = "us-east-1";
        foreach ((string name, string? value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the test app.");
        var app = new TestAppProcess(process, onLine);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Waits until the app has logged its events.</summary>
    public Task WaitUntilReadyAsync() => _ready.Task.WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Sends a signal (TERM, INT, HUP, …) as kill(1) does.</summary>
    public void Signal(string signal)
    {
        using Process kill = Process.Start("kill", ["-" + signal, Id.ToString(CultureInfo.InvariantCulture)]) ?? throw new InvalidOperationException("Could not run kill.");
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits for the process to end (at most a minute) and gives its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        _onLine?.Invoke(line);
        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line == "ready")
        {
            _ready.TrySetResult();
        }
    }
}
