using Microsoft.Playwright;

namespace BackgroundTasks.Dashboard.Tests.Browser;

/// <summary>Debian's Chromium, headless, as the samples' browser tests use it.</summary>
internal static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    // Headless, without a sandbox (root in a container) and without any network of its own.
    private static readonly string[] s_args =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    /// <summary>Skips the test with a clear message when Chromium is not installed (CI's .ci/run installs it).</summary>
    public static void RequireInstalled()
    {
        if (!File.Exists(Path))
        {
            Assert.Ignore($"Chromium not found at {Path}: install it with 'apt-get install -y --no-install-recommends chromium' (CI's .ci/run does).");
        }
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
        => playwright.Chromium.LaunchAsync(new() { ExecutablePath = Path, Headless = true, Args = s_args });

    /// <summary>Saves a full-page screenshot to the test's results.</summary>
    public static async Task AttachScreenshotAsync(IPage page, string name, string description)
    {
        var file = System.IO.Path.Combine(TestContext.CurrentContext.WorkDirectory, $"{name}.png");
        await page.ScreenshotAsync(new() { Path = file, FullPage = true });
        TestContext.AddTestAttachment(file, description);
    }
}
