using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Watchtower.Samples;

/// <summary>
/// A console app configured entirely from appsettings.json (the counterpart of watchtower's dictConfig and YAML
/// examples): levels per category, the group, a stream template, retention, the format, and a separate AWS profile
/// ("logging") whose credentials are used for logging only. Environment variables override any of it
/// (<c>Logging__CloudWatch__ServiceUrl</c> points it at a local CloudWatch here).
/// </summary>
public static class ConfigFileSample
{
    public static async Task<int> RunAsync(Uri endpoint, TextWriter output)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: false)
            .AddEnvironmentVariables()
            .Build();
        string group = configuration["Logging:CloudWatch:LogGroupName"]!;

        using (ILoggerFactory factory = LoggerFactory.Create(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            logging.AddCloudWatch(); // every option from Logging:CloudWatch
        }))
        {
            ILogger orders = factory.CreateLogger("Orders");
            ILogger noisy = factory.CreateLogger("Orders.Noisy");
            using (orders.BeginScope(new Dictionary<string, object> { ["Tenant"] = "acme" }))
            {
                orders.LogInformation("Order {OrderId} placed", 42);
                noisy.LogInformation("below the Warning level configured for Orders.Noisy: not shipped");
                orders.LogWarning("Order {OrderId} is waiting for stock", 42);
            }

            await output.WriteLineAsync("Logged through a factory configured from appsettings.json; disposing it delivers.");
        }

        return await SampleReadBack.PrintAsync(endpoint, group, "config-file/Orders", expected: 2, output);
    }
}
