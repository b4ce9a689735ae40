using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Watchtower;
using Watchtower.Scenarios;

// Reproduces, in real time and through the public API only, the conditions an adversarial review found: memory with many
// streams against a hung endpoint, the CPU a stalled sender uses while the application idles, and the request rate of an
// outage with many streams. Prints what it measured; see benchmarks/README.md.
Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
string scenario = args.Length > 0 ? args[0] : "help";
int events = IntOption("--events", 80_000);
int streams = IntOption("--streams", 1);
int seconds = IntOption("--seconds", 20);
Stall stall = Enum.Parse<Stall>(Option("--stall") ?? "Hang", ignoreCase: true);

switch (scenario)
{
    case "memory":
        await MemoryAsync();
        break;
    case "idle-cpu":
        await IdleCpuAsync();
        break;
    case "outage-rate":
        await OutageRateAsync();
        break;
    default:
        Console.WriteLine("usage: Watchtower.Scenarios memory|idle-cpu|outage-rate [--events N] [--streams N] [--seconds N] [--stall hang|refused|denied]");
        return 2;
}

return 0;

// 80,000 events of 100 bytes over N streams while every request hangs: what the process holds once the sender has taken
// all it may, against the bounds the README states.
async Task MemoryAsync()
{
    var endpoint = new StalledEndpoint(Stall.Hang);
    long before = Settle();
    long rssBefore = Environment.WorkingSet;
    await using (CloudWatchLogHandler handler = Handler(endpoint, o => o.SendInterval = TimeSpan.FromSeconds(1)))
    {
        string padding = new('x', 92);
        var at = DateTimeOffset.UtcNow;
        for (int i = 0; i < events; i++)
        {
            handler.Emit(string.Create(CultureInfo.InvariantCulture, $"{i:D7} {padding}"), at, "logger-" + (i % streams));
        }

        // The sender takes what its bound allows and seals on the deadline; give it time, then measure.
        await Task.Delay(TimeSpan.FromSeconds(3));
        long held = Settle() - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory: {events:N0} events over {streams:N0} streams, endpoint hanging: managed heap +{held / 1048576.0:0.0} MiB, working set +{(Environment.WorkingSet - rssBefore) / 1048576.0:0.0} MiB, requests {endpoint.Requests:N0}"));
    }
}

// The sender at its bound with nothing it can send: how much CPU the process uses while the application does nothing.
async Task IdleCpuAsync()
{
    var endpoint = new StalledEndpoint(stall);
    await using CloudWatchLogHandler handler = Handler(endpoint, o => { o.SendInterval = TimeSpan.FromSeconds(1); o.RetryTimeLimit = TimeSpan.FromHours(1); });
    var at = DateTimeOffset.UtcNow;
    for (int i = 0; i < events; i++)
    {
        handler.Emit("event " + i, at, "s");
    }

    // Past the deadline of everything queued, so that a sender which mistakes the deadline for work would spin.
    await Task.Delay(TimeSpan.FromSeconds(2));
    TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    await Task.Delay(TimeSpan.FromSeconds(seconds));
    TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"idle-cpu: endpoint {stall}, {seconds} s of idling: {cpu.TotalSeconds:0.00} s of CPU ({cpu.TotalSeconds / seconds:P1} of one core), {endpoint.Requests:N0} requests"));
}

// A dead endpoint and N streams with a batch each: the request rate and CPU of the outage.
async Task OutageRateAsync()
{
    var endpoint = new StalledEndpoint(Stall.Refused);
    await using CloudWatchLogHandler handler = Handler(endpoint, o => { o.SendInterval = TimeSpan.FromSeconds(1); o.RetryTimeLimit = TimeSpan.FromHours(1); });
    var at = DateTimeOffset.UtcNow;
    for (int i = 0; i < streams; i++)
    {
        handler.Emit("event " + i, at, "stream-" + i);
    }

    await Task.Delay(TimeSpan.FromSeconds(2));
    long requestsBefore = endpoint.Requests;
    TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    await Task.Delay(TimeSpan.FromSeconds(seconds));
    long requests = endpoint.Requests - requestsBefore;
    TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"outage-rate: {streams:N0} streams, endpoint refusing connections, {seconds} s: {requests:N0} requests ({requests * 60.0 / seconds:0.#} a minute), {cpu.TotalSeconds:0.00} s of CPU ({cpu.TotalSeconds / seconds:P1} of one core)"));
}

CloudWatchLogHandler Handler(HttpMessageHandler endpoint, Action<CloudWatchLogHandlerOptions> configure)
{
    var client = new CloudWatchLogsClient(
        new CloudWatchLogsClientOptions
        {
            Region = "us-east-1",
            ServiceUrl = "https://logs.us-east-1.amazonaws.com",
            Credentials = new BasicAWSCredentials("AKIASCENARIO", "scenario-secret"),
            MaxAttempts = 1,
            RequestTimeout = TimeSpan.FromMinutes(10),
        },
        endpoint);
    var options = new CloudWatchLogHandlerOptions { LogGroupName = "scenario", LogStreamName = "{logger_name}", Client = client, CreateLogGroup = false, ShutdownTimeout = TimeSpan.FromSeconds(1) };
    configure(options);
    return new CloudWatchLogHandler(options);
}

static long Settle()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    return GC.GetTotalMemory(forceFullCollection: true);
}

string? Option(string name)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

int IntOption(string name, int fallback) => Option(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
