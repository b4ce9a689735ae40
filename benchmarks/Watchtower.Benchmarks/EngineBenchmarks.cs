using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Watchtower.CloudWatch;
using Watchtower.Shipping;
using Watchtower.Throughput;

namespace Watchtower.Benchmarks;

/// <summary>
/// The engine's own costs: a full batch (8,322 events of 100 bytes, 1 MiB as CloudWatch counts it) written as a
/// PutLogEvents body; a 1 MiB body hashed and signed, against one SHA-256 pass over it; a stream name rendered.
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private const int EventsPerBatch = 1_048_576 / 126;

    private readonly InputLogEvent[] _batch = [.. Enumerable.Range(0, EventsPerBatch).Select(i => new InputLogEvent(DateTimeOffset.UnixEpoch.AddMilliseconds(i), ThroughputRun.MessageOf(100)))];
    private readonly byte[] _body = RandomNumberGenerator.GetBytes(1_048_576);
    private readonly SigV4Signer _signer = new("us-east-1", "logs");
    private readonly SigningCredentials _credentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    private readonly KeyValuePair<string, string>[] _headers =
    [
        new("content-type", "application/x-amz-json-1.1"),
        new("host", "logs.us-east-1.amazonaws.com"),
        new("x-amz-date", "20261123T120000Z"),
        new("x-amz-target", "Logs_20140328.PutLogEvents"),
    ];
    private readonly StreamNameTemplate _defaultTemplate = StreamNameTemplate.Parse(CloudWatchLogHandlerOptions.DefaultLogStreamName);
    private readonly StreamNameTemplate _dailyTemplate = StreamNameTemplate.Parse("{logger_name}/{strftime:%Y-%m-%d}");
    private readonly DateTimeOffset _now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>840 KB of message bytes per call: MB/s = 0.84 / mean seconds.</summary>
    [Benchmark]
    public byte[] EncodeFullBatch() => CloudWatchLogsClient.WritePutLogEventsBody("group", "stream", _batch);

    [Benchmark(Baseline = true)]
    public byte[] Sha256Of1MiB() => SHA256.HashData(_body);

    [Benchmark]
    public string HashAndSign1MiB()
    {
        string payloadHash = SigV4Signer.HashPayload(_body);
        return _signer.Sign("POST", "/", string.Empty, _headers, payloadHash, _now, _credentials).Authorization;
    }

    [Benchmark]
    public string RenderDefaultStreamName() => _defaultTemplate.Render("MyApp.Orders", "thread-1", _now);

    [Benchmark]
    public string RenderDailyStreamName() => _dailyTemplate.Render("MyApp.Orders", "thread-1", _now);
}
