using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>Builds the bare generic host the hosted contenders run in: no configuration files, no logging providers.</summary>
public static class PeerHost
{
    /// <summary>Creates a host with the given services.</summary>
    public static IHost Create(Action<IServiceCollection> configure, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        configure(builder.Services);
        return builder.Build();
    }
}
