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

    private readonly byte[] _message = System.Text.Encoding.UTF8.GetBytes(ThroughputRun.MessageOf(100));
    private readonly BatchRules _rules = new(CloudWatchLogHandlerOptions.ServiceMaxBatchSize, CloudWatchLogHandlerOptions.ServiceMaxBatchCount, CloudWatchLogHandlerOptions.ServiceMaxMessageSize);
    private long _batchIds;

    // One stream for all calls, as in the engine: a busy stream's next batch starts at the size its last one needed.
    private readonly StreamBuffer _stream;

    private readonly Func<long> _nextBatchId;

    public EngineBenchmarks()
    {
        _stream = new StreamBuffer("stream", _rules, "group", new SenderMemory());
        _nextBatchId = () => ++_batchIds;
    }
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

    /// <summary>
    /// The engine's encoding: 8,322 messages added to a stream's open batch (each copied once into the request body,
    /// escaped where JSON needs it) and sealed. 832 KB of message bytes per call: MB/s = 0.832 / mean seconds.
    /// </summary>
    [Benchmark]
    public int EncodeFullBatch()
    {
        StreamBuffer stream = _stream;
        for (int i = 0; i < EventsPerBatch; i++)
        {
            stream.Add(_message, 1_764_000_000_000 + i, 0, 0, _nextBatchId);
        }

        stream.Seal(++_batchIds);
        Batch batch = stream.Sealed.First!.Value;
        stream.Sealed.RemoveFirst();
        int length = batch.BodyLength;
        batch.ReturnBuffers();
        return length;
    }

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
