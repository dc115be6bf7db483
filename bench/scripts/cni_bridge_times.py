import subprocess, time, os, statistics, sys, json
def conf(name, datadir):
    return json.dumps({"cniVersion":"1.0.0","name":name,"type":"bridge","bridge":"br-"+name[:6],"isGateway":True,
        "ipam":{"type":"host-local","subnet":"10.%d.0.0/16" % (10 if name=="kee" else 20),"dataDir":datadir}}).encode()
def call(b, cmd, ns, cid, cfg):
    env=dict(os.environ, CNI_COMMAND=cmd, CNI_CONTAINERID=cid, CNI_NETNS="/run/netns/"+ns, CNI_IFNAME="eth0", CNI_PATH="/run/cnibin:/usr/lib/cni")
    s=time.perf_counter(); r=subprocess.run([b], input=cfg, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE); e=time.perf_counter()
    if r.returncode!=0: print(b, cmd, r.stdout, r.stderr); sys.exit(1)
    return (e-s)*1000
warm=int(sys.argv[1]); n=int(sys.argv[2])
res={"kee":[], "ref":[]}
bins={"kee":"/run/cnibin/bridge","ref":"/usr/lib/cni/bridge"}
for i in range(warm+n):
    for who in ("kee","ref"):
        ns="%s%d" % (who,i); cid="c%s%d" % (who,i)
        subprocess.run(["ip","netns","add",ns], check=True)
        cfg=conf(who, "/run/ipam-"+who)
        t=call(bins[who],"ADD",ns,cid,cfg)
        if i>=warm: res[who].append(t)
        call(bins[who],"DEL",ns,cid,cfg)
        subprocess.run(["ip","netns","del",ns], check=True)
print("bridge ADD exec'd: keelson client+daemon median %.2f ms, reference median %.2f ms (n=%d after %d warm-up)" % (statistics.median(res["kee"]), statistics.median(res["ref"]), n, warm))
