import { bootstrap, readConfig } from '@ventana/platform';
import { PipelineThreadModule } from './pipeline-thread';
import { VentanaModule } from './ventana.module';

/**
 * `npm start`: the embedded default. This thread serves the HTTP contract; the deciders,
 * projections, timers and webhooks run on a second thread (pipeline.ts) over the same files, so
 * the two cores share the work and no batch of background work ever delays a request.
 */
const config = readConfig();
void bootstrap('ventana', VentanaModule.register(config, { reactors: false, projections: false }, [PipelineThreadModule]), config);
