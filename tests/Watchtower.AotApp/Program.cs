using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watchtower.AotApp;

// Everything about CloudWatch comes from appsettings.json (Logging:CloudWatch); the code only adds the provider.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddCloudWatch();
using IHost host = builder.Build();
await host.StartAsync();

ILogger logger = host.Services.GetRequiredService<ILogger<AotEvents>>();
int count = int.Parse(args.Length > 0 ? args[0] : "10", System.Globalization.CultureInfo.InvariantCulture);
for (int i = 0; i < count; i++)
{
    logger.LogInformation("aot event {Number} of {Count}", i, count);
}

logger.LogWarning("an object {@Order}", new Order(42, "book"));

// Stopping the host disposes the provider, which delivers what is queued.
await host.StopAsync();
return 0;
