using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Watchtower.Testing;

/// <summary>
/// A moto_server (a local AWS emulator) on a free loopback port, started for the life of this object and
/// stopped by its process id on dispose. Nothing else is needed: no AWS account and no network.
/// </summary>
internal sealed class MotoServer : IDisposable
{
    private const string InstallHint =
        "moto is needed for the local CloudWatch Logs emulator. Install it with: pip install \"moto[server]\" " +
        "(or point WATCHTOWER_PYTHON at a Python that has it).";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private MotoServer(Process process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    /// <summary>The server's base address, such as http://127.0.0.1:40123/.</summary>
    public Uri Endpoint { get; }

    /// <summary>Starts moto on a free port and waits until it answers.</summary>
    /// <exception cref="InvalidOperationException">Python or moto is missing, or the server did not come up.</exception>
    public static MotoServer Start()
    {
        string python = Environment.GetEnvironmentVariable("WATCHTOWER_PYTHON") is { Length: > 0 } configured ? configured : "python3";
        EnsureMotoInstalled(python);

        int port = FreeLoopbackPort();
        var startInfo = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The emulator itself must never reach out either.
        startInfo.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        startInfo.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        startInfo.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        startInfo.Environment["AWS_DEFAULT_REGION"] = "us-east-1";

        Process process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {python}. {InstallHint}");
        var server = new MotoServer(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        server.WaitUntilListening(port);
        return server;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // Keep the tail only: moto logs every request.
            if (_output.Length > 64 * 1024)
            {
                _output.Remove(0, _output.Length - (32 * 1024));
            }

            _output.AppendLine(line);
        }
    }

    private void WaitUntilListening(int port)
    {
        // Startup wait, not a timing assertion: moto imports a lot of Python before it listens, and it loads each
        // service's backend on that service's first request, which on a cold machine can outlast a short request
        // timeout. So it is ready when a CloudWatch Logs call has been answered, not when the port accepts.
        DateTime giveUpAt = DateTime.UtcNow.AddSeconds(60);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        string? lastProblem = null;
        while (DateTime.UtcNow < giveUpAt)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with code {_process.ExitCode} before listening. Output:\n{Output()}\n{InstallHint}");
            }

            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint)
                {
                    Content = new StringContent("{}", Encoding.UTF8),
                };
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.1");
                request.Headers.TryAddWithoutValidation("X-Amz-Target", "Logs_20140328.DescribeLogGroups");
                // moto reads the region and service from the credential scope; it does not check the signature.
                request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/logs/aws4_request, SignedHeaders=host, Signature=0");
                using HttpResponseMessage response = http.Send(request);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                lastProblem = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                lastProblem = e.Message;
            }
            catch (TaskCanceledException e)
            {
                lastProblem = e.Message;
            }

            Thread.Sleep(100);
        }

        Dispose();
        throw new InvalidOperationException($"moto_server on port {port} did not answer a CloudWatch Logs call within 60 s ({lastProblem}). Output:\n{Output()}");
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static void EnsureMotoInstalled(string python)
    {
        var check = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        check.ArgumentList.Add("-c");
        check.ArgumentList.Add("import moto.server");
        try
        {
            using Process process = Process.Start(check) ?? throw new InvalidOperationException($"Could not run {python}. {InstallHint}");
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"'{python} -c \"import moto.server\"' failed: {error.Trim()}\n{InstallHint}");
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Could not run '{python}': {e.Message}. {InstallHint}", e);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
