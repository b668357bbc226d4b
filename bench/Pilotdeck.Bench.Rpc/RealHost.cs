using Pilotdeck.Contracts.System.V1;
using Pilotdeck.Server.Hosting;

namespace Pilotdeck.Bench.Rpc;

/// <summary>
/// Parts 2 and 3: the real Pilotdeck host, built as the run command builds it
/// (PilotdeckHost.BuildAsync), API only, on a free loopback port over a fresh SQLite directory,
/// with its default logging: the per-request line goes to the console sink (captured by
/// <see cref="HostConsole"/>) and to the JSON file under the data directory.
/// Before it starts, the bench adds one endpoint of its own, <see cref="BareJsonPath"/>: a minimal
/// API that writes the bytes JSON transcoding answers for <see cref="JsonPath"/>, so the JSON
/// baseline runs through the same middleware and the same request logging, and differs from the
/// transcoded route only in grpc-dotnet, the interceptors, the handler and the JSON formatter.
/// </summary>
internal sealed class RealHost : IAsyncDisposable
{
    public const string GrpcPath = "/pilotdeck.system.v1.SystemService/GetServerInfo";
    public const string JsonPath = "/v1/server-info";
    public const string BareJsonPath = "/bench/server-info";

    /// <summary>
    /// Turns the per-request line off, as an operator would. Serilog's request-logging middleware
    /// logs through the static logger under its own source context, so this override is the switch
    /// (Logging:LogLevel settings do not reach it).
    /// </summary>
    public const string RequestLoggingOff = "--Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware=Warning";

    private static byte[] _bareJsonBody = [];
    private static string _bareJsonContentType = "application/json";
    private static long _bareJsonCalls;

    private readonly string _dataDirectory;

    private RealHost(WebApplication app, Uri address, string dataDirectory, bool logsRequests)
    {
        App = app;
        Address = address;
        _dataDirectory = dataDirectory;
        LogsRequests = logsRequests;
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    /// <summary>False when started with <see cref="RequestLoggingOff"/>: no per-request lines to count.</summary>
    public bool LogsRequests { get; }

    public static long BareJsonCalls => Interlocked.Read(ref _bareJsonCalls);

    /// <summary>What the bare JSON endpoint writes: set from the transcoded route's answer before any load (Checks.cs).</summary>
    public static void SetBareJson(byte[] body, string contentType)
    {
        _bareJsonBody = body;
        _bareJsonContentType = contentType;
    }

    public static async Task<RealHost> StartAsync(IReadOnlyList<string> extraArgs)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "pilotdeck-bench-rpc-" + Guid.NewGuid().ToString("N"));
        string[] args =
        [
            "--Pilotdeck:GrpcUrl=http://127.0.0.1:0",
            // API only: no HTTP/1.1 endpoint (h2load speaks h2c to the gRPC port, which serves the JSON routes too), no portal.
            "--Pilotdeck:RestUrl=",
            "--Pilotdeck:PortalUrl=",
            $"--Pilotdeck:Database:DataDirectory={dataDirectory}",
            .. extraArgs,
        ];
        var app = await PilotdeckHost.BuildAsync(args);
        try
        {
            app.MapGet(BareJsonPath, (HttpContext http) =>
            {
                Interlocked.Increment(ref _bareJsonCalls);
                http.Response.ContentType = _bareJsonContentType;
                return http.Response.Body.WriteAsync(_bareJsonBody).AsTask();
            });
            await app.StartAsync();
            return new RealHost(app, TransportHost.AddressOf(app), dataDirectory, !extraArgs.Contains(RequestLoggingOff));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The handler alone: SystemService.GetServerInfo called in a loop on one thread (it reads no
    /// call context), serialised as grpc-dotnet would; server CPU and allocations per call. Then a
    /// variant src/ could switch to: the same response built from contract entries computed once
    /// (the handler hashes every served contract's descriptor with SHA-256 on every call, though
    /// the served set is fixed once the host is mapped).
    /// </summary>
    public Handler MeasureHandler(int operations)
    {
        var service = ActivatorUtilities.CreateInstance<Pilotdeck.Server.Features.System.SystemService>(App.Services);
        var request = new GetServerInfoRequest();
        var template = service.GetServerInfo(request, null!).Result;
        var size = template.CalculateSize();
        var (cpu, bytes) = Measure(operations, () => service.GetServerInfo(request, null!).Result);
        var (cachedCpu, cachedBytes) = Measure(operations, () =>
        {
            var response = new GetServerInfoResponse { Version = template.Version, Build = template.Build.Clone(), StartTime = template.StartTime.Clone() };
            response.Services.AddRange(template.Services);
            return response;
        });
        return new Handler(cpu, bytes, cachedCpu, cachedBytes, size, operations);
    }

    private static (double CpuMicros, double Bytes) Measure(int operations, Func<GetServerInfoResponse> call)
    {
        void Loop(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var response = call();
                var buffer = new System.Buffers.ArrayBufferWriter<byte>(response.CalculateSize());
                Google.Protobuf.MessageExtensions.WriteTo(response, buffer);
            }
        }

        Loop(Math.Max(operations / 5, 100));
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var before = ProcessCost.Now();
        Loop(operations);
        var cpuMicros = (ProcessCost.Now() - before).Cpu.TotalMicroseconds / operations;
        return (cpuMicros, (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / operations);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite or the log file may be held a moment longer; a temp directory left behind is harmless.
        }
    }
}
