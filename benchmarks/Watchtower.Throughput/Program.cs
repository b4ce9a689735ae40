using System.Globalization;
using Watchtower.Extensions.Logging;
using Watchtower.Throughput;

// dotnet run -c Release -- --events N --message-bytes B --streams S [--format text|json] [--endpoint URL] [--warmup-events N] [--window-file F] [--buffer off|on|fsync]
var settings = new ThroughputSettings();
for (int i = 0; i + 1 < args.Length; i += 2)
{
    string value = args[i + 1];
    settings = args[i] switch
    {
        "--events" => settings with { Events = int.Parse(value, CultureInfo.InvariantCulture) },
        "--message-bytes" => settings with { MessageBytes = int.Parse(value, CultureInfo.InvariantCulture) },
        "--streams" => settings with { Streams = int.Parse(value, CultureInfo.InvariantCulture) },
        "--format" => settings with { Format = Enum.Parse<CloudWatchLogFormat>(value, ignoreCase: true) },
        "--endpoint" => settings with { Endpoint = value },
        "--warmup-events" => settings with { WarmupEvents = int.Parse(value, CultureInfo.InvariantCulture) },
        "--window-file" => settings with { WindowFile = value },
        "--buffer" => settings with { Buffer = value is "off" or "on" or "fsync" ? value : throw new ArgumentException("--buffer takes off, on or fsync.") },
        _ => throw new ArgumentException($"Unknown option {args[i]}; use --events, --message-bytes, --streams, --format, --endpoint, --warmup-events, --window-file, --buffer."),
    };
}

Console.WriteLine($"Watchtower throughput: {settings.Events:N0} events of {settings.MessageBytes} bytes over {settings.Streams} stream(s), {settings.Format} format, " +
    $"{(settings.Endpoint is null ? "in-process sink" : "endpoint " + settings.Endpoint)}{(settings.WarmupEvents > 0 ? $", after {settings.WarmupEvents:N0} warm-up events" : ", cold")}, disk buffer {settings.Buffer}");
ThroughputResult result = await ThroughputRun.RunAsync(settings);
Console.WriteLine(result);
return result.Dropped == 0 ? 0 : 1;
