import subprocess, time, os, statistics, sys
conf=b'{"cniVersion":"1.0.0","name":"lo","type":"loopback"}'
env=dict(os.environ, CNI_COMMAND="ADD", CNI_CONTAINERID="c1", CNI_NETNS="/run/netns/pod", CNI_IFNAME="lo", CNI_PATH="/run/cnibin")
def t(b):
    s=time.perf_counter(); r=subprocess.run([b], input=conf, env=env, stdout=subprocess.DEVNULL); e=time.perf_counter()
    assert r.returncode==0, b
    return (e-s)*1000
k=[];r=[]
for i in range(300):
    k.append(t("/run/cnibin/loopback")); r.append(t("/usr/lib/cni/loopback"))
print("keelson client+daemon median %.2f ms, reference loopback median %.2f ms" % (statistics.median(k), statistics.median(r)))
