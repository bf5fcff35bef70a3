using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using BackgroundTasks;
using WebDashboard.Api;
using WebDashboard.Jobs;

// ASP.NET Core minimal API over BackgroundTasks: start report jobs, follow them live, cancel them,
// and a static page (wwwroot) that does all of it with progress bars.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddBackgroundJobs(options => options.Queues["default"].Workers = 4);
builder.Services.Configure<ReportOptions>(builder.Configuration.GetSection("Reports"));
builder.Services.AddProblemDetails();

// A request body that is not JSON gets a 400 problem-details answer, also in Development.
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
    options.SerializerOptions.Converters.Add(new JobIdJsonConverter());

    // A job's error keeps its stack trace in the store; a public API shows the type and message only.
    options.SerializerOptions.TypeInfoResolver = (options.SerializerOptions.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
        .WithAddedModifier(static info =>
        {
            if (info.Type == typeof(JobError) && info.Properties.FirstOrDefault(p => p.Name == "stackTrace") is { } stackTrace)
            {
                info.Properties.Remove(stackTrace);
            }
        });
});

var app = builder.Build();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapJobEndpoints();
app.Run();
