using System.Text.Json.Serialization.Metadata;
using BackgroundTasks;
using WebDashboard.Api;
using WebDashboard.Jobs;

// ASP.NET Core minimal API over BackgroundTasks: start report jobs, follow them live, cancel them; and the
// BackgroundTasks dashboard at /jobs, which shows every job with live progress bars.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddBackgroundJobs(options => options.Queues["default"].Workers = 4);
builder.Services.AddBackgroundJobsDashboard(options => options.Title = "Report jobs");
builder.Services.Configure<ReportOptions>(builder.Configuration.GetSection("Reports"));
builder.Services.AddProblemDetails();

// A request body that is not JSON gets a 400 problem-details answer, also in Development.
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);

// JobId and the job enums write themselves as text; a job's error keeps its stack trace in the store, but a
// public API shows the type and message only.
builder.Services.ConfigureHttpJsonOptions(options =>
    options.SerializerOptions.TypeInfoResolver = (options.SerializerOptions.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
        .WithAddedModifier(static info =>
        {
            if (info.Type == typeof(JobError) && info.Properties.FirstOrDefault(p => p.Name == "stackTrace") is { } stackTrace)
            {
                info.Properties.Remove(stackTrace);
            }
        }));

var app = builder.Build();
app.UseStatusCodePages();
app.MapJobEndpoints();

// Without an authorization policy the dashboard answers requests from this machine only (others get 403).
// In a real app, protect it: app.MapBackgroundJobsDashboard("/jobs").RequireAuthorization("ops");
app.MapBackgroundJobsDashboard("/jobs");
app.MapGet("/", () => Results.Redirect("/jobs")).ExcludeFromDescription();
app.Run();
