using System.Globalization;

namespace Watchtower.Throughput;

/// <summary>What one run measured.</summary>
public sealed record ThroughputResult(
    ThroughputSettings Settings,
    long Acknowledged,
    long Dropped,
    double WallSeconds,
    double CpuSeconds,
    long PeakWorkingSetBytes,
    long Requests,
    long RequestBodyBytes,
    double MedianCallNanoseconds,
    double P99CallNanoseconds)
{
    /// <summary>Bytes the whole process allocated on the managed heap during the run, and the collections it caused.</summary>
    public long AllocatedBytes { get; init; }

    public (int Gen0, int Gen1, int Gen2) Collections { get; init; }

    public double EventsPerSecond => Acknowledged / WallSeconds;

    /// <summary>CPU seconds per million events, which is also CPU microseconds per event.</summary>
    public double CpuSecondsPerMillionEvents => CpuSeconds / Acknowledged * 1e6;

    public double AverageEventsPerRequest => Requests == 0 ? 0 : (double)Acknowledged / Requests;

    /// <summary>Average batch size as CloudWatch counts it (message UTF-8 bytes plus 26 per event), per request.</summary>
    public double AverageCountedBytesPerRequest { get; init; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"""
        events acknowledged   {Acknowledged:N0} of {Settings.Events:N0} ({Dropped:N0} dropped)
        wall                  {WallSeconds:0.000} s
        events/s              {EventsPerSecond:N0}
        CPU                   {CpuSeconds:0.000} s = {CpuSecondsPerMillionEvents:0.000} s per million events (µs/event)
        peak working set      {PeakWorkingSetBytes / 1048576.0:0.0} MiB
        requests              {Requests:N0} ({RequestBodyBytes / 1048576.0:0.0} MiB of request bodies)
        average request fill  {AverageEventsPerRequest:N0} events ({AverageEventsPerRequest / 10_000:P1} of 10,000), {AverageCountedBytesPerRequest:N0} bytes ({AverageCountedBytesPerRequest / 1_048_576:P1} of 1 MiB)
        median log call       {MedianCallNanoseconds:0} ns, p99 {P99CallNanoseconds:0} ns (every 64th call timed)
        allocated             {AllocatedBytes / 1048576.0:0.0} MiB ({(double)AllocatedBytes / Math.Max(Acknowledged, 1):0.0} bytes per event); collections gen0 {Collections.Gen0}, gen1 {Collections.Gen1}, gen2 {Collections.Gen2}
        """);
}
