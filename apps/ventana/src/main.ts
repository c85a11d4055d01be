import { bootstrap, readConfig } from '@ventana/platform';
import { VentanaModule } from './ventana.module';

const config = readConfig();
void bootstrap('ventana', VentanaModule.register(config) as never, config);
