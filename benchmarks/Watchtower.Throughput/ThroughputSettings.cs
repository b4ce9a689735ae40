using Watchtower.Extensions.Logging;

namespace Watchtower.Throughput;

/// <summary>What to run: how many events, how large, over how many streams, in which format.</summary>
/// <param name="Endpoint">An endpoint in another process (such as ../shared/bench/cwsink.py) instead of the in-process sink.</param>
/// <param name="WarmupEvents">Events logged through a provider of their own before the measured run (0 for a cold run).</param>
/// <param name="WindowFile">Where to write the measured window's start and end (Stopwatch timestamps, CLOCK_MONOTONIC
/// nanoseconds on Linux), to cut a <c>perf record -k CLOCK_MONOTONIC</c> profile down to the run.</param>
/// <param name="Buffer">The on-disk buffer: <c>off</c> (memory only), <c>on</c> (BufferDirectory in a temporary folder, the
/// defaults), or <c>fsync</c> (BufferWaitForFsync: each call returns once its event is on the disk).</param>
public sealed record ThroughputSettings(int Events = 200_000, int MessageBytes = 100, int Streams = 1, CloudWatchLogFormat Format = CloudWatchLogFormat.Text, string? Endpoint = null, int WarmupEvents = 0, string? WindowFile = null, string Buffer = "off");
