/* The COM1 16550 UART, polled: the console transport under QEMU. */
#include "arch.h"
#include <mica/boot.h>

#define LSR 5
#define LSR_DR 0x01
#define LSR_THRE 0x20

void uart_putc(uint8_t c)
{
    while (!(inb(MICA_PORT_COM1 + LSR) & LSR_THRE))
        cpu_relax();
    outb(MICA_PORT_COM1, c);
}

/* One byte if the UART has one: 1 and *c, else 0. */
int uart_poll(uint8_t *c)
{
    if (!(inb(MICA_PORT_COM1 + LSR) & LSR_DR))
        return 0;
    *c = inb(MICA_PORT_COM1);
    return 1;
}

/* Interrupt on received data (IER bit 0; MCR OUT2 gates the line on PCs). */
void uart_enable_rx_irq(void)
{
    uint8_t c;
    while (uart_poll(&c))
        ;
    outb(MICA_PORT_COM1 + 4, 0x0b); /* MCR: DTR RTS OUT2 */
    outb(MICA_PORT_COM1 + 1, 0x01); /* IER: received data available */
}
