using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Watchtower.Tests.Support;

/// <summary>
/// Seeds moto with boto3 (not with our own client), so that the CLI is tested on data written the way AWS's own SDK
/// writes it: groups, streams and events, each event given as (stream, milliseconds ago, message).
/// </summary>
internal static class BotoSeed
{
    public static async Task PutAsync(Uri endpoint, string group, IEnumerable<(string Stream, long MillisecondsAgo, string Message)> events, bool createGroup = true)
    {
        var byStream = events.GroupBy(e => e.Stream).ToDictionary(g => g.Key, g => g.Select(e => new object[] { e.MillisecondsAgo, e.Message }).ToArray());
        string data = JsonSerializer.Serialize(new { group, createGroup, streams = byStream });
        const string Script = """
            import json, sys, time, boto3
            spec = json.loads(sys.stdin.read())
            logs = boto3.client("logs", endpoint_url=sys.argv[1], region_name="us-east-1",
                                aws_access_key_id="testing-access-key", aws_secret_access_key="testing-secret-key")
            if spec["createGroup"]:
                logs.create_log_group(logGroupName=spec["group"])
            now = int(time.time() * 1000)
            for stream, events in spec["streams"].items():
                try:
                    logs.create_log_stream(logGroupName=spec["group"], logStreamName=stream)
                except logs.exceptions.ResourceAlreadyExistsException:
                    pass
                batch = sorted(({"timestamp": now - ago, "message": message} for ago, message in events), key=lambda e: e["timestamp"])
                logs.put_log_events(logGroupName=spec["group"], logStreamName=stream, logEvents=batch)
            """;
        string python = Environment.GetEnvironmentVariable("WATCHTOWER_PYTHON") is { Length: > 0 } configured ? configured : "python3";
        var start = new ProcessStartInfo(python) { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true, StandardInputEncoding = new UTF8Encoding(false) };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(endpoint.ToString());
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("python did not start");
        await process.StandardInput.WriteAsync(data);
        process.StandardInput.Close();
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("boto3 seeding failed: " + error);
        }
    }
}
