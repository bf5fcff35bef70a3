using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using WebDashboard.Jobs;

namespace BackgroundTasks.Samples.Tests.WebDashboard;

/// <summary>The WebDashboard sample in a test host, with report pages as fast as a test wants them.</summary>
internal sealed class DashboardFactory : WebApplicationFactory<Program>
{
    private readonly TimeSpan _pageTime;

    public DashboardFactory(TimeSpan pageTime, bool realSocket = false)
    {
        _pageTime = pageTime;
        if (realSocket)
        {
            // A browser needs a real socket: Kestrel on the loopback address, on a free port.
            UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        }
    }

    public IJobMonitor Monitor => Services.GetRequiredService<IJobMonitor>();

    /// <summary>Starts Kestrel and returns the address it listens on.</summary>
    public Uri StartKestrel()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        return new Uri(addresses.Single());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureServices(services => services.Configure<ReportOptions>(options => options.PageTime = _pageTime));
    }
}
