using IronLb.Bgp;
using IronLb.Dapr;
using IronLb.ServiceDefaults;

// The bgp service on its own, as a Dapr app: state and pub/sub through its Dapr sidecar.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddDaprMessaging(builder.Configuration);
builder.AddBgp();

var app = builder.Build();
app.MapServiceDefaults();
app.MapDaprSubscriptions();
app.Run();
