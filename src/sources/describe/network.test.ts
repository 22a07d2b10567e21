import { describe, expect, it } from 'vitest';
import { parseDescribe } from './parse.js';
import { SERVICE_NO_ENDPOINTS, find } from './samples.test-support.js';

// kubectl 1.32 `describe service|ingress` output (describe.go through tabwriter).

const SERVICE_TWO_PORTS = `Name:                     api
Namespace:                payments
Labels:                   app=api
Annotations:              <none>
Selector:                 app=api
Type:                     NodePort
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.20.5
IPs:                      10.96.20.5
Port:                     http  80/TCP
TargetPort:               9000/TCP
NodePort:                 http  31080/TCP
Endpoints:                10.244.1.5:9000,10.244.2.9:9000
Port:                     metrics  9100/TCP
TargetPort:               9100/TCP
NodePort:                 metrics  31100/TCP
Endpoints:                10.244.1.5:9100,10.244.2.9:9100
Session Affinity:         None
External Traffic Policy:  Cluster
Internal Traffic Policy:  Cluster
Events:                   <none>
`;

const INGRESS_BACKEND_ERROR = `Name:             storefront
Labels:           <none>
Namespace:        shop
Address:          203.0.113.10
Ingress Class:    nginx
Default backend:  <default>
TLS:
  storefront-tls terminates shop.example.com
Rules:
  Host              Path  Backends
  ----              ----  --------
  shop.example.com  
                    /      frontend:80 (10.244.1.21:3000,10.244.2.33:3000)
                    /api   checkout-api:8080 (<error: endpoints "checkout-api" not found>)
Annotations:        nginx.ingress.kubernetes.io/proxy-body-size: 8m
Events:
  Type    Reason  Age                 From                      Message
  ----    ------  ----                ----                      -------
  Normal  Sync    12m (x3 over 2d4h)  nginx-ingress-controller  Scheduled for sync
`;

describe('describe service without endpoints', () => {
  const objects = parseDescribe(SERVICE_NO_ENDPOINTS, 'ticket.txt');

  it('reads selector, type, IPs and a named target port', () => {
    expect(find(objects, 'Service', 'checkout').spec).toEqual({
      selector: { app: 'checkout', tier: 'web' },
      type: 'ClusterIP',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
      clusterIP: '10.96.143.27',
      clusterIPs: ['10.96.143.27'],
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }],
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
    });
  });

  it('emits an Endpoints object with no addresses for `Endpoints: <none>`', () => {
    const ep = find(objects, 'Endpoints', 'checkout');
    expect(ep).toEqual({
      apiVersion: 'v1', kind: 'Endpoints',
      metadata: { name: 'checkout', namespace: 'shop', annotations: { 'kubetriage.io/source': 'describe' } },
    });
    expect(objects.filter((o) => o.kind === 'Event')).toEqual([]);
  });
});

describe('describe service with two ports', () => {
  const objects = parseDescribe(SERVICE_TWO_PORTS, 'ticket.txt');

  it('reads each port with its target and node port', () => {
    expect(find(objects, 'Service', 'api').spec.ports).toEqual([
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 9000, nodePort: 31080 },
      { name: 'metrics', port: 9100, protocol: 'TCP', targetPort: 9100, nodePort: 31100 },
    ]);
  });

  it('groups the ready addresses of both ports into one subset', () => {
    expect(find(objects, 'Endpoints', 'api')['subsets']).toEqual([{
      addresses: [{ ip: '10.244.1.5' }, { ip: '10.244.2.9' }],
      ports: [{ name: 'http', port: 9000, protocol: 'TCP' }, { name: 'metrics', port: 9100, protocol: 'TCP' }],
    }]);
  });
});

describe('describe ingress whose backend has no endpoints', () => {
  const objects = parseDescribe(INGRESS_BACKEND_ERROR, 'ticket.txt');
  const ingress = find(objects, 'Ingress', 'storefront');

  it('reads class, TLS and the rules table', () => {
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ secretName: 'storefront-tls', hosts: ['shop.example.com'] }],
      rules: [{
        host: 'shop.example.com',
        http: {
          paths: [
            { path: '/', backend: { service: { name: 'frontend', port: { number: 80 } } } },
            { path: '/api', backend: { service: { name: 'checkout-api', port: { number: 8080 } } } },
          ],
        },
      }],
    });
    expect(ingress.status).toEqual({ loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } });
  });

  it('keeps what kubectl said about each backend, the error included', () => {
    expect(JSON.parse(ingress.metadata.annotations['kubetriage.io/backend-endpoints'])).toEqual({
      'frontend:80': '10.244.1.21:3000,10.244.2.33:3000',
      'checkout-api:8080': '<error: endpoints "checkout-api" not found>',
    });
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('8m');
  });

  it('reads the controller event', () => {
    expect(objects.filter((o) => o.kind === 'Event')).toEqual([expect.objectContaining({
      reason: 'Sync', count: 3, message: 'Scheduled for sync', source: { component: 'nginx-ingress-controller' },
      involvedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: 'shop', name: 'storefront' },
    })]);
  });
});
