using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Watchtower.Extensions.Logging;

namespace Watchtower.Tests.Extensions.Logging;

/// <summary>
/// Logging:CloudWatch is bound by hand from the known keys (the same under JIT, trimming and Native AOT): every option
/// binds, a misspelt key is named with its nearest option, and every invalid value is reported at once.
/// </summary>
public sealed class ConfigurationBindingTests
{
    [Fact]
    public void EveryOption_HasAKey()
    {
        // A new option that the binder does not know would be silently ignored in configuration files.
        string[] options = typeof(CloudWatchLoggerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.Name is not nameof(CloudWatchLoggerOptions.Client) and not nameof(CloudWatchLoggerOptions.JsonTypeInfoResolver)) // code only
            .Select(p => p.Name)
            .ToArray();

        Assert.Empty(options.Except(CloudWatchOptionsBinder.Keys, StringComparer.Ordinal));
    }

    [Fact]
    public void EveryKey_BindsItsValue()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["LogGroupName"] = "/app/prod",
            ["LogStreamName"] = "{logger_name}",
            ["SendInterval"] = "00:00:05",
            ["MaxBatchSize"] = "500000",
            ["MaxBatchCount"] = "100",
            ["MaxMessageSize"] = "262144",
            ["CreateLogGroup"] = "false",
            ["CreateLogStream"] = "False",
            ["LogGroupRetentionDays"] = "30",
            ["LogGroupTags:team"] = "payments",
            ["LogGroupTags:env"] = "prod",
            ["UseQueues"] = "true",
            ["Region"] = "eu-west-1",
            ["ProfileName"] = "logging",
            ["ServiceUrl"] = "http://localhost:4566",
            ["QueueLimit"] = "5000",
            ["QueueByteLimit"] = "10485760",
            ["RetryTimeLimit"] = "00:02:00",
            ["ReportDropsInStream"] = "false",
            ["queuefullmode"] = "dropoldest", // keys and enum values in any case, as the reflection binder took them
            ["QueueFullWaitTimeout"] = "00:00:00.250",
            ["ShutdownTimeout"] = "00:00:03",
            ["MaxConcurrentSends"] = "2",
            ["Format"] = "Text",
            ["IncludeScopes"] = "false",
            ["BufferDirectory"] = "/var/lib/orders/logs",
            ["BufferMaxBytes"] = "268435456",
            ["BufferWriteInterval"] = "00:00:00.050",
            ["BufferFsyncInterval"] = "00:00:05",
            ["BufferWaitForFsync"] = "true",
            ["LogLevel:Default"] = "Warning",
        }, out IReadOnlyList<string> problems, out _);

        Assert.Empty(problems);
        Assert.Equal("/app/prod", options.LogGroupName);
        Assert.Equal("{logger_name}", options.LogStreamName);
        Assert.Equal(TimeSpan.FromSeconds(5), options.SendInterval);
        Assert.Equal((500_000, 100, 262_144), (options.MaxBatchSize, options.MaxBatchCount, options.MaxMessageSize));
        Assert.False(options.CreateLogGroup);
        Assert.False(options.CreateLogStream);
        Assert.Equal(30, options.LogGroupRetentionDays);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "payments", ["env"] = "prod" }, options.LogGroupTags);
        Assert.Equal(("eu-west-1", "logging", "http://localhost:4566"), (options.Region, options.ProfileName, options.ServiceUrl));
        Assert.Equal((5_000, 10_485_760L), (options.QueueLimit, options.QueueByteLimit));
        Assert.Equal(TimeSpan.FromMinutes(2), options.RetryTimeLimit);
        Assert.False(options.ReportDropsInStream);
        Assert.Equal(QueueFullMode.DropOldest, options.QueueFullMode);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.QueueFullWaitTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), options.ShutdownTimeout);
        Assert.Equal(2, options.MaxConcurrentSends);
        Assert.Equal(CloudWatchLogFormat.Text, options.Format);
        Assert.False(options.IncludeScopes);
        Assert.Equal(("/var/lib/orders/logs", 268_435_456L), (options.BufferDirectory, options.BufferMaxBytes));
        Assert.Equal((TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), true), (options.BufferWriteInterval, options.BufferFsyncInterval, options.BufferWaitForFsync));
    }

    [Theory]
    [InlineData("LogGroupNmae", "LogGroupName")]
    [InlineData("sendinterval2", "SendInterval")]
    [InlineData("LogGroupRetention", "LogGroupRetentionDays")]
    [InlineData("Tags", null)]
    public void UnknownKey_IsNamedWithTheNearestOption(string key, string? nearest)
    {
        Bind(new Dictionary<string, string?> { [key] = "x" }, out IReadOnlyList<string> problems, out List<(string Path, string? Nearest)> unknown);

        Assert.Empty(problems);
        Assert.Equal([("Logging:CloudWatch:" + key, nearest)], unknown);
    }

    [Fact]
    public void InvalidValues_AreEachDescribedWithPathAndWhatTheOptionTakes()
    {
        Bind(new Dictionary<string, string?>
        {
            ["MaxBatchCount"] = "0",
            ["SendInterval"] = "ten seconds",
            ["QueueFullMode"] = "Block",
            ["UseQueues"] = "yes",
            ["QueueLimit"] = "lots",
            ["Format"] = "1",
        }, out IReadOnlyList<string> problems, out _);

        Assert.Equal(6, problems.Count);
        Assert.Contains("Logging:CloudWatch:MaxBatchCount: '0' is not valid: MaxBatchCount must be from 1 to 10000.", problems);
        Assert.Contains("Logging:CloudWatch:SendInterval: 'ten seconds' is not valid: use a time span as hours:minutes:seconds, such as 00:00:10 for ten seconds.", problems);
        Assert.Contains("Logging:CloudWatch:QueueFullMode: 'Block' is not valid: use one of DropNewest, DropOldest, Wait.", problems);
        Assert.Contains("Logging:CloudWatch:UseQueues: 'yes' is not valid: use true or false.", problems);
        Assert.Contains("Logging:CloudWatch:QueueLimit: 'lots' is not valid: use a whole number, such as 10000.", problems);
        Assert.Contains("Logging:CloudWatch:Format: '1' is not valid: use one of Json, Text.", problems);
    }

    [Fact]
    public void AddCloudWatch_EveryProblemInTheFile_IsInOneStartupError()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:CloudWatch:MaxBatchCount"] = "0",
            ["Logging:CloudWatch:SendInterval"] = "soon",
            ["Logging:CloudWatch:LogGroupName"] = "has spaces",
            ["Logging:CloudWatch:LogGroupRetentionDays"] = "10",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddCloudWatch());
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ILoggerFactory>());

        Assert.Equal(4, error.Failures.Count());
        Assert.Contains("Logging:CloudWatch:MaxBatchCount: '0' is not valid: MaxBatchCount must be from 1 to 10000.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Logging:CloudWatch:SendInterval: 'soon'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Logging:CloudWatch: LogGroupName 'has spaces'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Logging:CloudWatch: LogGroupRetentionDays 10", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TargetInvocationException", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AddCloudWatch_MisspeltKey_IsWarnedOnStderrOnce()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:CloudWatch:LogGroupNmea"] = "/app",
            ["Logging:CloudWatch:LogGroupName"] = "/app",
            ["Logging:CloudWatch:ServiceUrl"] = "http://127.0.0.1:9",
            ["Logging:CloudWatch:Region"] = "us-east-1",
        }).Build();
        TextWriter stderr = Console.Error;
        using var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            for (int i = 0; i < 2; i++)
            {
                var services = new ServiceCollection();
                services.AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddCloudWatch(o => o.CreateLogGroup = false));
                using ServiceProvider provider = services.BuildServiceProvider();
                _ = provider.GetRequiredService<ILoggerFactory>();
            }
        }
        finally
        {
            Console.SetError(stderr);
        }

        string warning = "Watchtower: Logging:CloudWatch:LogGroupNmea is not a Watchtower option and is ignored; did you mean LogGroupName?";
        Assert.Single(captured.ToString().Split(Environment.NewLine), line => line == warning);
    }

    [Fact]
    public async Task AddCloudWatch_TheProviderIsAServiceOfItsOwn_TheSameOneThatLogs()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddCloudWatch(o => { o.ServiceUrl = "http://127.0.0.1:9"; o.Region = "us-east-1"; o.CreateLogGroup = false; }).AddCloudWatch());
        using ServiceProvider provider = services.BuildServiceProvider();

        var cloudWatch = provider.GetRequiredService<CloudWatchLoggerProvider>();

        Assert.Same(cloudWatch, Assert.Single(provider.GetServices<ILoggerProvider>().OfType<CloudWatchLoggerProvider>()));
        await cloudWatch.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static CloudWatchLoggerOptions Bind(Dictionary<string, string?> values, out IReadOnlyList<string> problems, out List<(string Path, string? Nearest)> unknown)
    {
        IConfiguration section = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var options = new CloudWatchLoggerOptions();
        var unknownKeys = new List<(string, string?)>();
        problems = CloudWatchOptionsBinder.Bind(section, options, (path, nearest) => unknownKeys.Add((path, nearest)));
        unknown = unknownKeys;
        return options;
    }
}
