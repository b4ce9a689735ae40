namespace Watchtower.Tests.Extensions.Logging;

internal sealed record Invoice(int Number, decimal Total);
